import { randomBytes, randomUUID } from 'node:crypto';
import type { AlertPayload, ChannelTypeName, StoredMonitorConfig } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { insertMonitor, monitorFixtureConfig } from '@sentinelmesh/db/fixtures';
import type { SecretBox } from '@sentinelmesh/platform';
import type { Delivery } from '../src/channels/adapter';

export const TEST_SECRETS_KEY = randomBytes(32).toString('base64');

/** An incident of the adapter tests' alerts, still open. */
export const incident = {
  id: '0f0e0d0c-0b0a-4000-8000-000000000001',
  openedAt: '2026-01-05T09:14:00.000Z',
  resolvedAt: null,
};

/** A down alert for adapter tests. */
export const downAlert: AlertPayload = {
  id: '11111111-2222-4333-8444-555555555555',
  event: 'monitor.down',
  occurredAt: '2026-01-05T09:14:00.000Z',
  monitor: {
    id: 'a6b5c4d3-0000-4000-8000-000000000009',
    name: 'Checkout API',
    url: 'https://shop.example.com/health',
  },
  incident,
  cause: 'HTTP 500 from 2 of 2 regions',
};

/** The up alert that resolves `downAlert`'s incident 3m 20s later. */
export const upAlert: AlertPayload = {
  ...downAlert,
  id: '11111111-2222-4333-8444-666666666666',
  event: 'monitor.up',
  occurredAt: '2026-01-05T09:17:20.000Z',
  incident: { ...incident, resolvedAt: '2026-01-05T09:17:20.000Z' },
  cause: null,
};

/** One delivery of `payload` to a channel with these stored parts. */
export const delivery = (
  payload: AlertPayload,
  config: Delivery['config'],
  secrets: Delivery['secrets'],
): Delivery => ({ alertId: payload.id, payload, config, secrets });

/** A test alert's payload, for adapter tests that need any payload at all. */
export function testPayload(id = '00000000-0000-4000-8000-000000000001'): AlertPayload {
  return {
    id,
    event: 'test',
    occurredAt: new Date(0).toISOString(),
    monitor: { id: 'm', name: 'M', url: null },
    incident: null,
    cause: null,
  };
}

export async function createOrg(db: Db): Promise<string> {
  const row = await db
    .insertInto('organizations')
    .values({ name: 'Acme', slug: `acme-${randomUUID()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function httpConfig(overrides: Partial<StoredMonitorConfig> = {}): StoredMonitorConfig {
  return monitorFixtureConfig({
    name: 'Checkout API',
    url: 'https://shop.example.com/health',
    intervalSeconds: 10,
    timeoutMs: 2_000,
    assertions: [],
    ...overrides,
  });
}

/** A monitor with its `monitor_state` row, as the API writes them. */
export async function createMonitor(
  db: Db,
  orgId: string,
  overrides: Partial<StoredMonitorConfig> = {},
): Promise<string> {
  return insertMonitor(db, orgId, { config: httpConfig(overrides), state: true });
}

/** A webhook channel linked to the monitor; its secret is sealed as the API seals it. */
export async function createWebhookChannel(
  db: Db,
  box: SecretBox,
  input: { orgId: string; monitorId: string; url: string; secret: string },
): Promise<string> {
  const channel = await db
    .insertInto('channels')
    .values({
      org_id: input.orgId,
      type: 'webhook',
      name: 'on-call hook',
      config: JSON.stringify({ url: input.url }),
      secrets: box.seal({ secret: input.secret }),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('monitor_channels')
    .values({ org_id: input.orgId, monitor_id: input.monitorId, channel_id: channel.id })
    .execute();
  return channel.id;
}

export interface ResultInput {
  scheduledAtMs: number;
  ok: boolean;
  kind?: 'scheduled' | 'confirmation';
  attempt?: number;
  region?: string;
  statusCode?: number | null;
  checkedAtMs?: number;
}

/** Appends one check result, as a worker would. */
export async function insertResult(
  db: Db,
  orgId: string,
  monitorId: string,
  input: ResultInput,
): Promise<void> {
  const statusCode = input.statusCode === undefined ? (input.ok ? 200 : 500) : input.statusCode;
  await db
    .insertInto('check_results')
    .values({
      org_id: orgId,
      monitor_id: monitorId,
      scheduled_at: new Date(input.scheduledAtMs),
      checked_at: new Date(input.checkedAtMs ?? input.scheduledAtMs + 150),
      region: input.region ?? 'local',
      kind: input.kind ?? 'scheduled',
      attempt: input.attempt ?? 0,
      ok: input.ok,
      status_code: statusCode,
      latency_ms: 42,
      phases: JSON.stringify({ dnsMs: 1, connectMs: 2, tlsMs: null, ttfbMs: 30, transferMs: 9 }),
      cert_expires_at: null,
      error_kind: input.ok ? null : 'http_status',
      error_message: input.ok ? null : `status ${statusCode} outside [200, 399]`,
      failed_assertions: JSON.stringify([]),
    })
    .execute();
}

export async function monitorState(db: Db, monitorId: string) {
  return db
    .selectFrom('monitor_state')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .executeTakeFirstOrThrow();
}

export async function incidentsOf(db: Db, monitorId: string) {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .orderBy('opened_at')
    .execute();
}

export async function alertsOf(db: Db, monitorId: string) {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .orderBy('created_at')
    .orderBy('event')
    .execute();
}

/** A channel of any type linked to the monitors; secrets sealed as the API seals them. */
export async function createChannel(
  db: Db,
  box: SecretBox,
  input: {
    orgId: string;
    monitorIds: string[];
    type: ChannelTypeName;
    config?: Record<string, unknown>;
    secrets?: Record<string, unknown> | null;
  },
): Promise<string> {
  const channel = await db
    .insertInto('channels')
    .values({
      org_id: input.orgId,
      type: input.type,
      name: `${input.type} channel`,
      config: JSON.stringify(input.config ?? {}),
      secrets: input.secrets ? box.seal(input.secrets) : null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const monitorId of input.monitorIds) {
    await db
      .insertInto('monitor_channels')
      .values({ org_id: input.orgId, monitor_id: monitorId, channel_id: channel.id })
      .execute();
  }
  return channel.id;
}

/** A pending `test` alert of a monitor for one channel, as the outbox holds it before delivery. */
export async function insertPendingAlert(
  db: Db,
  input: { orgId: string; monitorId: string; channelId: string; payload?: Partial<AlertPayload> },
): Promise<string> {
  const id = randomUUID();
  const payload: AlertPayload = {
    id,
    event: 'test',
    occurredAt: new Date().toISOString(),
    monitor: { id: input.monitorId, name: 'm', url: null },
    incident: null,
    cause: null,
    ...input.payload,
  };
  await db
    .insertInto('alerts')
    .values({
      id,
      org_id: input.orgId,
      monitor_id: input.monitorId,
      channel_id: input.channelId,
      event: 'test',
      status: 'pending',
      payload: JSON.stringify({ ...payload, id }),
    })
    .execute();
  return id;
}
