import { z } from 'zod';
import { cursorQuery, isoTime, limitQuery } from './common';
import { checkResultSchema } from './monitors';

export const NOTE_MAX_LENGTH = 10_000;

const acknowledgerSchema = z.object({
  kind: z
    .enum(['user', 'apiKey', 'channel'])
    .describe('`channel`: through the acknowledge link a channel received'),
  id: z.string().nullable().describe('the user, API key or channel id; null once it is deleted'),
  name: z.string().describe("the person's email, the API key's name or the channel's name"),
});

export const incidentSchema = z.object({
  id: z.string(),
  monitorId: z.string(),
  status: z.enum(['open', 'resolved']),
  openedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  cause: z.string().nullable(),
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z
    .string()
    .nullable()
    .describe('the id of the user who acknowledged (for an API key: its creator)'),
  acknowledger: acknowledgerSchema
    .nullable()
    .describe('who acknowledged the incident: a person (their email) or an API key (its name)'),
  note: z.string().nullable().describe('the post-mortem note'),
  suppressedBy: z
    .string()
    .nullable()
    .describe('why its alerts were held (`parent "X" is down`); null when they never were'),
  releasedAt: isoTime
    .nullable()
    .describe('when held alerts went out: the parent recovered while this monitor was still down'),
});

const alertRecipientSchema = z
  .object({
    type: z.enum(['channel', 'member']),
    id: z.string().describe('the channel id, or the user id of the member emailed'),
    name: z
      .string()
      .nullable()
      .describe("the channel's name or the member's email; null once the channel is deleted"),
  })
  .describe('who the alert went to: a channel, or a member by email (an escalation step named them)');

export const alertSchema = z.object({
  id: z.string(),
  incidentId: z.string().nullable(),
  monitorId: z.string().nullable().describe('null for a test alert'),
  monitorName: z.string().nullable().describe("the monitor's name; null for a test alert"),
  channelId: z
    .string()
    .nullable()
    .describe(
      "the channel it went to; null only for an escalation's email to a member, listed with recipients=all (see `recipient`)",
    ),
  recipient: alertRecipientSchema,
  event: z.string(),
  status: z.enum(['pending', 'sent', 'failed', 'suppressed']),
  attempts: z.number().int(),
  sentAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  attemptLog: z
    .array(
      z.object({
        attemptedAt: isoTime,
        ok: z.boolean(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
        durationMs: z.number().int(),
      }),
    )
    .describe('every delivery attempt, oldest first'),
});

const regionOutcomeSchema = z.object({
  region: z.string(),
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  cause: z.string().nullable().describe('why this region failed, in a few words; null when it passed'),
});

const checkEventSchema = z.object({
  type: z.enum(['first_failure', 'confirmation']),
  at: isoTime.describe(
    "the planned time of the slot's checks (the opening's time is that of the deciding check)",
  ),
  scheduledAt: isoTime,
  kind: z.enum(['scheduled', 'confirmation']),
  failedRegions: z.number().int(),
  totalRegions: z.number().int(),
  regions: z.array(regionOutcomeSchema),
});

const timelineEventSchema = z
  .discriminatedUnion('type', [
    checkEventSchema,
    z.object({
      type: z.literal('opened'),
      at: isoTime.describe('when the verifier turned the monitor down and opened the incident'),
      cause: z.string().nullable(),
    }),
    z.object({
      type: z.literal('alert'),
      at: isoTime.describe('when the alert was written to the outbox'),
      alertId: z.string(),
      event: z.string(),
      channel: z
        .object({
          id: z.string(),
          name: z.string().nullable().describe('null once the channel is deleted'),
          type: z.string().nullable(),
        })
        .nullable()
        .describe('null for an email to a member (see `recipient`)'),
      recipient: alertRecipientSchema,
      status: z.enum(['pending', 'sent', 'failed', 'suppressed']),
      attempts: z.number().int(),
      sentAt: isoTime.nullable(),
      lastError: z.string().nullable(),
      lastStatusCode: z
        .number()
        .int()
        .nullable()
        .describe("the receiver's answer to the last attempt (HTTP status, SMTP reply code)"),
    }),
    z.object({ type: z.literal('acknowledged'), at: isoTime, by: acknowledgerSchema.nullable() }),
    z.object({
      type: z.literal('resolved'),
      at: isoTime,
      durationSeconds: z.number().int().describe('from opening to resolution'),
    }),
  ])
  .describe('one thing that happened, in time order');

export const incidentDetailSchema = incidentSchema.extend({
  monitor: z.object({ id: z.string(), name: z.string() }),
  durationSeconds: z.number().int().describe('from opening to resolution, or to now while open'),
  explanation: z
    .object({
      text: z.string().describe('the cause in plain words, naming every failed rule and region'),
      failedRules: z.array(z.string()).describe('each failed rule (assertion), once'),
      errors: z
        .array(z.string())
        .describe('failures that are not a broken rule: timeout, connection refused'),
      regions: z.array(z.string()).describe('the regions that failed'),
    })
    .nullable()
    .describe("built from the failed checks' stored errors and failed assertions; null without any"),
  noteUpdatedAt: isoTime.nullable(),
  noteUpdatedBy: z.string().nullable().describe('the email of who last wrote the note'),
  timeline: z.object({
    results: z
      .array(checkResultSchema)
      .describe('checks inside the incident window, oldest first (at most 500)'),
    alerts: z.array(alertSchema).describe('alerts of the incident, oldest first'),
    events: z
      .array(timelineEventSchema)
      .describe(
        'the first failing check, each confirmation with its regions, the transition to down, each alert per channel with its delivery outcome, the acknowledgement and the resolution, oldest first',
      ),
  }),
});

export type TimelineEvent = z.output<typeof timelineEventSchema>;

export const patchIncidentBody = z.strictObject({
  note: z
    .string()
    .max(NOTE_MAX_LENGTH, `must be at most ${NOTE_MAX_LENGTH} characters`)
    .nullable()
    .describe('the post-mortem note (plain text); null or empty clears it'),
});

export const listIncidentsQuery = z.object({
  monitorId: z.uuid().optional(),
  status: z.enum(['open', 'resolved']).optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});

export const listAlertsQuery = z.object({
  incidentId: z.uuid().optional(),
  monitorId: z.uuid().optional(),
  recipients: z
    .enum(['channels', 'all'])
    .default('channels')
    .describe(
      "channels: only alerts sent to channels (each with its channelId); all: also an escalation's emails to members (channelId null, see recipient)",
    ),
  limit: limitQuery,
  cursor: cursorQuery,
});

export const escalationTimelineSchema = z.object({
  incidentId: z.string(),
  policy: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .describe('the escalation policy the incident climbs; null: its monitor alerts its channels'),
  nextStepAt: isoTime.nullable().describe('when the next step fires, while open and unacknowledged'),
  nextReminderAt: isoTime.nullable().describe('when the next "still down" reminder goes out'),
  notifications: z
    .array(
      z.object({
        alertId: z.string(),
        at: isoTime.describe('when the notification was written to the outbox'),
        event: z.string(),
        step: z.number().int().nullable().describe('the policy step (from 0) that sent it'),
        round: z.number().int().nullable().describe('the repeat round (from 0) of that step'),
        reminder: z.number().int().nullable().describe('the reminder number (from 1) that sent it'),
        target: z
          .object({
            type: z.enum(['channel', 'member', 'rotation']),
            channelId: z.string().optional(),
            userId: z.string().optional(),
            rotationId: z.string().optional(),
          })
          .nullable()
          .describe("the step's target this recipient came from"),
        recipient: z.object({
          type: z.enum(['channel', 'member']),
          id: z.string(),
          name: z.string().nullable().describe("the channel's name or the member's email; null once gone"),
          channelType: z.string().nullable(),
        }),
        status: z
          .enum(['pending', 'sent', 'failed', 'suppressed'])
          .describe('`suppressed`: held while a parent monitor was down'),
        attempts: z.number().int(),
        sentAt: isoTime.nullable(),
        lastError: z.string().nullable(),
      }),
    )
    .describe('every notification of the incident, oldest first'),
  acknowledgement: z
    .object({
      at: isoTime,
      by: acknowledgerSchema.nullable(),
      viaLink: z.boolean().describe('acknowledged through a one-click link'),
    })
    .nullable(),
});
