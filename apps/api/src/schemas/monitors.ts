import {
  checkDetailSchema,
  checkKinds,
  checkTypes,
  eachCheckType,
  monitorStatuses,
  monitorTypes,
  timeoutRule,
  updateMonitorSchema,
} from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, keyQuery, limitQuery, managedFields, readBackFields } from './common';

export const monitorStateSchema = z.object({
  status: z.enum(monitorStatuses),
  since: isoTime.nullable(),
  lastCheckedAt: isoTime.nullable(),
  lastLatencyMs: z.number().nullable(),
  lastError: z.object({ kind: z.string(), message: z.string() }).nullable(),
});

const stored = {
  regions: z.array(z.string()),
  escalationPolicyId: z
    .string()
    .nullable()
    .describe('the escalation policy its incidents climb; null: its channels are alerted'),
  id: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  state: monitorStateSchema,
  ...managedFields,
  groupId: z.string().nullable(),
  dependsOn: z.object({ monitorIds: z.array(z.string()), groupIds: z.array(z.string()) }),
};

const { heartbeatToken } = checkTypes.heartbeat.config.shape;

/** A monitor as responses show it: its type's fields, with what the API adds. */
export const monitorSchema = z.discriminatedUnion(
  'type',
  eachCheckType((t) =>
    t.type === 'heartbeat'
      ? z.object({
          ...t.config.shape,
          heartbeatToken: heartbeatToken
            .nullable()
            .describe('the secret of the ping URL; null for viewers (shown to member and above)'),
          ...stored,
        })
      : z.object({ ...t.input.shape, ...stored }),
  ),
);

/**
 * PATCH body: any subset; `type` may be repeated but never changed. `key` and `managed` are read
 * fields a client may send back unchanged with the rest of a monitor it read.
 */
export const patchMonitorBody = updateMonitorSchema
  .extend({
    type: z.enum(monitorTypes).optional(),
    ...readBackFields,
  })
  .superRefine(...timeoutRule);

export const listMonitorsQuery = z.object({
  status: z.enum(monitorStatuses).optional(),
  type: z.enum(monitorTypes).optional(),
  tag: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(200).optional().describe('matches name, URL or host'),
  key: keyQuery,
  limit: limitQuery,
  cursor: cursorQuery,
});

export const resultsQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});

export const screenshotQuery = z.object({
  scheduledAt: z.iso.datetime({ offset: true }).describe("the result's scheduledAt"),
  region: z.string().min(1).max(64).describe("the result's region"),
  kind: z.enum(checkKinds).default('scheduled').describe("the result's kind"),
});

/** A PNG; the OpenAPI document names the media type, the bytes go out as they are. */
export const screenshotResponse = z.any().describe('image/png: the page when the browser check failed');

export const checkResultSchema = z.object({
  scheduledAt: isoTime,
  checkedAt: isoTime,
  region: z.string(),
  kind: z.enum(checkKinds),
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().nullable(),
  phases: z.object({
    dnsMs: z.number().nullable(),
    connectMs: z.number().nullable(),
    tlsMs: z.number().nullable(),
    ttfbMs: z.number().nullable(),
    transferMs: z.number().nullable(),
  }),
  certExpiresAt: isoTime.nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  failedAssertions: z.array(
    z.object({
      source: z.string(),
      path: z.string().optional(),
      op: z.string(),
      expected: z.unknown(),
      actual: z.unknown(),
    }),
  ),
  details: z
    .array(checkDetailSchema)
    .describe(
      "the check type's own measures beyond the phases, in order (a ping's RTT and loss, each step of a multi-step check); empty when it reports none",
    ),
  late: z
    .boolean()
    .describe('true when the result arrived after its slot was judged without it: counted late, not judged'),
  screenshot: z
    .boolean()
    .describe('true when a screenshot of the page is stored with the result (a failed browser check)'),
});
