import { z } from 'zod';
import { isoTime } from './common';

export const statusPageIncidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const statusPageIncidentImpacts = ['degraded', 'partial_outage', 'major_outage'] as const;

const title = z.string().trim().min(1).max(200);
const message = z
  .string()
  .trim()
  .min(1)
  .max(5000)
  .describe('what is happening, for the page and the subscribers');
const status = z.enum(statusPageIncidentStatuses);
const impact = z.enum(statusPageIncidentImpacts);
const componentIds = z
  .array(z.string())
  .max(100)
  .describe("affected components: ids of the page's components");

export const createPageIncidentBody = z.strictObject({
  title,
  status: status.default('investigating'),
  impact,
  componentIds: componentIds.default([]),
  message,
});

export const patchPageIncidentBody = z.strictObject({
  title: title.optional(),
  impact: impact.optional(),
  componentIds: componentIds.optional(),
});

export const postPageIncidentUpdateBody = z.strictObject({ status, message });

export const promoteIncidentBody = z.strictObject({
  statusPageId: z.string(),
  title: title.optional().describe('default: "<monitor name> is unavailable"'),
  message,
  impact,
  componentIds: componentIds.default([]),
});

export const pageIncidentParams = z.object({ id: z.string(), incidentId: z.string() });

const update = {
  id: z.string(),
  status,
  message: z.string(),
  at: isoTime,
};

export const pageIncidentUpdateSchema = z.object({
  ...update,
  authorUserId: z.string().nullable().describe('the member who posted it; null once they are gone'),
});

export const pageIncidentSchema = z.object({
  id: z.string(),
  statusPageId: z.string(),
  incidentId: z.string().nullable().describe('the automatic incident it was promoted from'),
  title: z.string(),
  status,
  impact,
  componentIds: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  updates: z.array(pageIncidentUpdateSchema).describe('oldest first'),
});

/** What anyone may see of a page's incident: no author. */
export const publicPageIncidentSchema = pageIncidentSchema
  .omit({ statusPageId: true, incidentId: true, updates: true })
  .extend({ updates: z.array(z.object(update)).describe('newest first') });

export const incidentHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().min(1).max(1024).optional().describe('nextCursor of the previous page'),
});
