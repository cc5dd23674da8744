import { randomUUID } from 'node:crypto';
import type { AlertEvent, StoredMonitorConfig, Transition } from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { AlertRef } from '../notify/notify-jobs';
import { buildAlertPayload, type IncidentRef } from './alert-payload';

type Trx = Transaction<Database>;

export interface TransitionInput {
  orgId: string;
  monitorId: string;
  config: StoredMonitorConfig;
  transition: Transition;
}

export interface CreatedAlert extends AlertRef {
  event: AlertEvent;
}

async function openIncident(trx: Trx, input: TransitionInput): Promise<IncidentRef> {
  const { orgId, monitorId, transition } = input;
  const opened = await trx
    .insertInto('incidents')
    .values({
      org_id: orgId,
      monitor_id: monitorId,
      status: 'open',
      opened_at: new Date(transition.atMs),
      cause: transition.cause,
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
    .set({ status: 'resolved', resolved_at: new Date(input.transition.atMs) })
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
  const { orgId, monitorId, config, transition } = input;
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
      occurredAtMs: transition.atMs,
      monitorId,
      config,
      incident,
      cause: event === 'monitor.down' ? transition.cause : null,
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
    };
  });
  const inserted = await trx
    .insertInto('alerts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['incident_id', 'event', 'channel_id']).where('incident_id', 'is not', null).doNothing(),
    )
    .returning(['id'])
    .execute();
  return inserted.map((row) => ({ orgId, alertId: row.id, event }));
}

/**
 * Writes what a transition means inside the verifying transaction: going down opens an incident
 * and its `monitor.down` alerts; coming back from down resolves it with `monitor.up` alerts;
 * a new monitor's first `up` writes nothing.
 */
export async function recordTransition(trx: Trx, input: TransitionInput): Promise<CreatedAlert[]> {
  if (input.transition.to === 'down') {
    const incident = await openIncident(trx, input);
    return insertAlerts(trx, input, 'monitor.down', incident);
  }
  if (input.transition.from === 'down') {
    const incident = await resolveIncident(trx, input);
    return insertAlerts(trx, input, 'monitor.up', incident);
  }
  return [];
}
