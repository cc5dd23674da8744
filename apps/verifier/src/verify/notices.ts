import type { AlertEvent, IncidentRef, Notice, StoredMonitorConfig } from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { AlertRef } from '../notify/notify-jobs';
import { writeAlerts } from '../oncall/alert-rows';
import { escalatedAlerts } from '../oncall/escalate';
import { defaultOncallSettings, type OncallSettings } from '../oncall/settings';

type Trx = Transaction<Database>;

export interface TransitionInput {
  orgId: string;
  monitorId: string;
  config: StoredMonitorConfig;
  notice: Notice;
  /** Escalation and acknowledge links; absent: plain alerts without links. */
  oncall?: OncallSettings;
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

/** A plain monitor's alerts: one per channel linked to it. */
async function insertAlerts(
  trx: Trx,
  input: TransitionInput,
  event: AlertEvent,
  incident: IncidentRef | null,
): Promise<CreatedAlert[]> {
  const { orgId, monitorId } = input;
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
  return writeAlerts(
    trx,
    {
      ...batchOf(input, event, incident),
      recipients: channels.map((channel) => ({
        recipient: { type: 'channel', id: channel.id },
        route: null,
      })),
    },
    input.oncall ?? defaultOncallSettings,
  );
}

const batchOf = (input: TransitionInput, event: AlertEvent, incident: IncidentRef | null) => ({
  orgId: input.orgId,
  monitorId: input.monitorId,
  config: input.config,
  incident,
  event,
  atMs: input.notice.atMs,
  cause: input.notice.cause,
  dedupKey: `${input.monitorId}:${event}:${input.notice.atMs}`,
});

/** A monitor with an escalation policy: its incident's alerts come from the policy (oncall/escalate.ts). */
async function alertsOf(trx: Trx, input: TransitionInput, event: AlertEvent, incident: IncidentRef | null) {
  const escalated = incident
    ? await escalatedAlerts(
        trx,
        { ...batchOf(input, event, incident), incident },
        input.oncall ?? defaultOncallSettings,
      )
    : null;
  return escalated ?? insertAlerts(trx, input, event, incident);
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
    return alertsOf(trx, input, event, incident);
  }
  const incident = await openIncident(trx, input);
  return alertsOf(trx, input, event, incident);
}
