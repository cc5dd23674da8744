import { z } from 'zod';
import { isoTime } from './common';

export const regionSchema = z.object({
  region: z.string(),
  status: z
    .enum(['live', 'degraded'])
    .describe('degraded: the region reported nothing for two intervals plus the allowed lateness'),
  since: isoTime.nullable().describe('when the region was last declared degraded or restored; null: never'),
});

export const regionListSchema = z.object({ items: z.array(regionSchema) });
