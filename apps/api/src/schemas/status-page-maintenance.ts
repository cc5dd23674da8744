import { z } from 'zod';
import { isoTime } from './common';

const occurrence = z.object({
  windowId: z.string(),
  name: z.string(),
  startsAt: isoTime,
  endsAt: isoTime,
  monitorIds: z.array(z.string()).describe("the page's monitors the window covers"),
});

/** The `maintenance` field of a public status page. */
export const publicPageMaintenanceSchema = z
  .object({
    active: z.array(occurrence).describe('occurrences running now'),
    upcoming: z
      .array(occurrence)
      .describe('occurrences starting in the next 7 days, soonest first (at most 20)'),
  })
  .describe('maintenance of the shown monitors, recurring windows expanded to their occurrences');
