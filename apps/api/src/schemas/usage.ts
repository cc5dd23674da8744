import { z } from 'zod';

const limit = (what: string) => z.number().nullable().describe(`${what}; null: no limit`);

export const usageSchema = z.object({
  limits: z.object({
    monitors: limit('monitors per organization'),
    minIntervalSeconds: limit('smallest monitor interval accepted, in seconds'),
    checksPerSecond: limit('checks per second over all active monitors (regions / interval)'),
    channels: limit('notification channels per organization'),
    testAlertsPerMinute: limit('test alerts per minute'),
    emailRecipientsPerChannel: limit('recipients of one email channel'),
  }),
  usage: z.object({
    monitors: z.number().int(),
    checksPerSecond: z
      .number()
      .describe(
        'sum over active (unpaused) monitors of regions / intervalSeconds, heartbeats excluded; 2 decimals',
      ),
    channels: z.number().int(),
  }),
});
