import { randomUUID } from 'node:crypto';
import {
  type AlertEvent,
  buildAlertPayload,
  type IncidentRef,
  type Notice,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { AlertRef } from '../notify/notify-jobs';

type Trx = Transaction<Database>;

export interface TransitionInput {
  orgId: string;
  monitorId: string;
  config: StoredMonitorConfig;
  notice: Notice;
}

export interface CreatedAlert extends AlertRef {
  event: AlertEvent;
}

async function openIncident(trx: Trx, input: TransitionInput): Promise<IncidentRef> {
  const { orgId, monitorId, notice } = input;
  const opened = await trx
    .insertInto('incidents')
    .values({
      org_id: orgId,
      monitor_id: monitorId,
      status: 'open',
      opened_at: new Date(notice.atMs),
      cause: notice.cause,
    })
    .onConflict((oc) => oc.column('monitor_id').where('status', '=', 'open').doNothing())
    .returning(['id', 'opened_at', 'resolved_at'])
    .executeTakeFirst();
  if (opened) return opened;
  // Already open (state was reset while an incident stayed open): keep that one; alerts dedupe on it.
  return trx
    .selectFrom('incidents')
    .select(['id', 'opened_at', 'resolved_at'])
    .where('monitor_id', '=', monitorId)
    .where('org_id', '=', orgId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
}

async function resolveIncident(trx: Trx, input: TransitionInput): Promise<IncidentRef | null> {
  const resolved = await trx
    .updateTable('incidents')
    .set({ status: 'resolved', resolved_at: new Date(input.notice.atMs) })
    .where('monitor_id', '=', input.monitorId)
    .where('org_id', '=', input.orgId)
    .where('status', '=', 'open')
    .returning(['id', 'opened_at', 'resolved_at'])
    .executeTakeFirst();
  return resolved ?? null;
}

async function insertAlerts(
  trx: Trx,
  input: TransitionInput,
  event: AlertEvent,
  incident: IncidentRef | null,
): Promise<CreatedAlert[]> {
  const { orgId, monitorId, config, notice } = input;
  const channels = await trx
    .selectFrom('monitor_channels as mc')
    .innerJoin('channels as c', (join) =>
      join.onRef('c.id', '=', 'mc.channel_id').onRef('c.org_id', '=', 'mc.org_id'),
    )
    .select('c.id')
    .where('mc.monitor_id', '=', monitorId)
    .where('mc.org_id', '=', orgId)
    .orderBy('c.id')
    .execute();
  if (channels.length === 0) return [];
  const rows = channels.map((channel) => {
    const id = randomUUID();
    const payload = buildAlertPayload({
      alertId: id,
      event,
      occurredAtMs: notice.atMs,
      monitorId,
      config,
      incident,
      cause: notice.cause,
    });
    return {
      id,
      org_id: orgId,
      incident_id: incident?.id ?? null,
      monitor_id: monitorId,
      channel_id: channel.id,
      event,
      status: 'pending' as const,
      payload: JSON.stringify(payload),
      dedup_key: `${monitorId}:${event}:${notice.atMs}`,
    };
  });
  const inserted = await trx
    .insertInto('alerts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'dedup_key']).where('dedup_key', 'is not', null).doNothing(),
    )
    .returning(['id'])
    .execute();
  return inserted.map((row) => ({ orgId, alertId: row.id, event }));
}

/**
 * Writes what a notice means inside the verifying transaction: `monitor.down` and
 * `monitor.flapping` open an incident (or keep the open one) with their alerts; `monitor.up`
 * resolves it with its alerts. Each alert is keyed by the notice, so a replay writes nothing.
 */
export async function recordNotice(trx: Trx, input: TransitionInput): Promise<CreatedAlert[]> {
  const { event } = input.notice;
  if (event === 'monitor.up') {
    const incident = await resolveIncident(trx, input);
    return insertAlerts(trx, input, event, incident);
  }
  const incident = await openIncident(trx, input);
  return insertAlerts(trx, input, event, incident);
}
