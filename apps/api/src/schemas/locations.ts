import { z } from 'zod';
import { isoTime } from './common';

export const locationSchema = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string().describe('the region name monitors list to run in this location'),
  allowPrivateTargets: z
    .boolean()
    .describe("its probes may check private and loopback addresses of the organization's own network"),
  probes: z.number().int().describe('probes with a token that is not revoked'),
  createdAt: isoTime,
});

export const createLocationBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  allowPrivateTargets: z
    .boolean()
    .default(false)
    .describe(
      'an explicit opt-in: monitors that run only in private locations allowing it may name private targets',
    ),
});

export const createProbeBody = z.strictObject({ name: z.string().trim().min(1).max(100) });

export const probeSchema = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  locationId: z
    .string()
    .nullable()
    .describe("the organization's private location; null for a deployment region"),
  version: z.string().nullable(),
  lastSeenAt: isoTime.nullable(),
  lagP99Ms: z.number().nullable().describe('p99 of how late the probe started its checks, as it reported'),
  checksPerSecond: z.number().nullable(),
  heldResults: z.number().int().nullable().describe('results waiting in its spool'),
  droppedResults: z.number().int().nullable().describe('results its full spool dropped, oldest first'),
  status: z
    .enum(['online', 'offline', 'never_seen'])
    .describe('online: seen within the last minute (a probe polls at least every 20 s)'),
  createdAt: isoTime,
});

export const createdProbeSchema = probeSchema.extend({
  token: z.string().describe('the probe token (smp_…), shown once'),
});

export const locationListSchema = z.object({ items: z.array(locationSchema) });
export const probeListSchema = z.object({ items: z.array(probeSchema) });
