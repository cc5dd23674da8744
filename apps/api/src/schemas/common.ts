import { z } from 'zod';

export const isoTime = z.string().describe('ISO 8601 UTC time');

export const limitQuery = z.coerce.number().int().min(1).max(200).default(50);
export const cursorQuery = z.string().min(1).max(1024).optional().describe('nextCursor of the previous page');

export const idParams = z.object({ id: z.string() });

export const fieldProblemSchema = z.object({ path: z.string(), message: z.string() });
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(fieldProblemSchema),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const noContent = z.null().describe('No content');
