import { shownStates, statusPageComponentInput, statusPageExtrasFields } from '@sentinelmesh/core';
import { z } from 'zod';

/** Components, branding, custom domain and badges of a page body: every field optional, null clears. */
export const statusPageExtrasBody = statusPageExtrasFields(statusPageComponentInput, 'monitorIds');

const componentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  monitorIds: z.array(z.string()),
});

const links = z.array(z.object({ label: z.string(), url: z.string() }));

/** The read model's extra fields. */
export const statusPageExtrasView = {
  components: z.array(componentView),
  description: z.string().nullable(),
  logoUrl: z.string().nullable(),
  brandColor: z.string().nullable(),
  footerText: z.string().nullable(),
  links,
  customDomain: z.string().nullable(),
  badgesEnabled: z.boolean(),
};

const uptimeDays = z
  .array(z.object({ date: z.string().describe('UTC day, YYYY-MM-DD'), uptimePercent: z.number().nullable() }))
  .describe('oldest first; null for a day without data');

const shownState = z.enum(shownStates);

export const publicComponentsSchema = z
  .array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string().nullable(),
      state: shownState.describe(
        'the worst state of its monitors: down, degraded, maintenance, up, pending, paused',
      ),
      uptimePercent: z.number().nullable().describe('the lowest uptime of its monitors over the 90 days'),
      uptime90d: uptimeDays.describe('per day, the lowest uptime of its monitors with data that day'),
      monitors: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          state: shownState.describe(
            'degraded: flapping, or up while a minority of regions fail the latest slot or the last hour p95 is above twice the 7-day p95',
          ),
          uptimePercent: z.number().nullable(),
          uptime90d: uptimeDays,
        }),
      ),
    }),
  )
  .describe('the page components in order; monitors in no component are in `monitors` only');

export const publicBrandingSchema = z.object({
  description: z.string().nullable(),
  logoUrl: z.string().nullable(),
  brandColor: z.string().nullable(),
  footerText: z.string().nullable(),
  links,
});
