import {
  probePollBodySchema,
  probeResultsBodySchema,
  probeResultsResponseSchema,
  probeSessionSchema,
} from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime } from './common';

export { probePollBodySchema, probeResultsBodySchema, probeResultsResponseSchema, probeSessionSchema };

/** The documented shape of a handed-over slot; `spec` is the monitor's check spec, secrets filled in. */
export const probePollResponse = z.object({
  serverTime: isoTime,
  checks: z.array(
    z.object({
      monitorId: z.string(),
      scheduledAt: isoTime,
      kind: z.enum(['scheduled', 'confirmation']),
      attempt: z.number().int(),
      spec: z.record(z.string(), z.unknown()).describe("the monitor's check spec, secrets filled in"),
    }),
  ),
});
