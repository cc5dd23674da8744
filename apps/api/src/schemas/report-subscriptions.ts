import { z } from 'zod';
import { cursorQuery, isoTime, limitQuery } from './common';

/** Recipients one subscription may email. */
export const MAX_REPORT_RECIPIENTS = 20;

export const reportScopes = ['monitor', 'component', 'organization'] as const;
export const reportEmailFormats = ['pdf', 'csv'] as const;

const recipients = z
  .array(z.email().max(254))
  .min(1)
  .max(MAX_REPORT_RECIPIENTS)
  .describe(`addresses the monthly report is emailed to (1 to ${MAX_REPORT_RECIPIENTS})`);

const targetRule = (body: { scope?: string; targetId?: string | undefined }, ctx: z.RefinementCtx) => {
  if (body.scope === 'organization' && body.targetId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['targetId'], message: 'an organization report takes no targetId' });
  }
  if (body.scope !== 'organization' && body.targetId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['targetId'], message: `required for a ${body.scope} report` });
  }
};

export const createReportSubscriptionBody = z
  .strictObject({
    scope: z.enum(reportScopes).describe('what the report covers'),
    targetId: z
      .uuid()
      .optional()
      .describe('the monitor or status page component reported on; left out for the organization'),
    recipients,
    format: z.enum(reportEmailFormats).default('pdf').describe('the attachment: pdf or csv'),
    enabled: z.boolean().default(true),
  })
  .superRefine(targetRule);

export const patchReportSubscriptionBody = z.strictObject({
  recipients: recipients.optional(),
  format: z.enum(reportEmailFormats).optional(),
  enabled: z.boolean().optional(),
});

export const reportSubscriptionSchema = z.object({
  id: z.string(),
  scope: z.enum(reportScopes),
  targetId: z.string().nullable(),
  recipients: z.array(z.string()),
  format: z.enum(reportEmailFormats),
  enabled: z.boolean(),
  lastSentMonth: z
    .string()
    .nullable()
    .describe('YYYY-MM of the latest month whose report was emailed; null before the first'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const listReportSubscriptionsQuery = z.object({ limit: limitQuery, cursor: cursorQuery });

export type CreateReportSubscription = z.infer<typeof createReportSubscriptionBody>;
export type PatchReportSubscription = z.infer<typeof patchReportSubscriptionBody>;
