import { resourceKey } from '@sentinelmesh/core';
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

/** What every resource a sentinelmesh.yaml can declare carries (docs/monitoring-as-code.md). */
export const managedFields = {
  key: z
    .string()
    .nullable()
    .describe(
      'the stable name a sentinelmesh.yaml gives it (unique per organization and kind); null if none',
    ),
  managed: z
    .boolean()
    .describe('owned by an apply from a file: an edit made elsewhere is undone by the next apply'),
};

const readBack =
  'read-only (an apply from a file sets it): accepted and ignored, so a resource as read can be sent back';

/**
 * `key` and `managed` in a PATCH body: read fields a client may send back unchanged with the rest of a
 * resource it read (a read-modify-write); `withoutReadBack` drops them before the update.
 */
export const readBackFields = {
  key: z.string().nullable().optional().describe(readBack),
  managed: z.boolean().optional().describe(readBack),
};

export function withoutReadBack<T extends { key?: unknown; managed?: unknown }>(
  body: T,
): Omit<T, 'key' | 'managed'> {
  const { key: _key, managed: _managed, ...rest } = body;
  return rest;
}

/** `?key=`: the one resource of this kind with that key (an empty page if none). */
export const keyQuery = resourceKey.optional().describe('only the resource with this key');
