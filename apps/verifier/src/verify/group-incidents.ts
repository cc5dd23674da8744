import { randomUUID } from 'node:crypto';
import {
  type AlertEvent,
  buildAlertPayload,
  isDownStatus,
  type MonitorStatus,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import { sql, type Transaction } from 'kysely';
import type { SettledMonitor } from './dependencies';

type Trx = Transaction<Database>;

interface Member {
  id: string;
  group_id: string;
  name: string;
  config: StoredMonitorConfig;
  status: MonitorStatus | null;
}

interface GroupIncident {
  id: string;
  opened_at: Date;
  resolved_at: Date | null;
}

interface Group {
  id: string;
  org_id: string;
  name: string;
}

/** One alert per channel of any member, keyed by the group incident and event: a replay writes nothing. */
async function insertGroupAlerts(
  trx: Trx,
  group: Group,
  incident: GroupIncident,
  event: AlertEvent,
  member: Member,
  atMs: number,
  cause: string | null,
): Promise<{ orgId: string; alertId: string; event: AlertEvent }[]> {
  const channels = await trx
    .selectFrom('monitor_channels as mc')
    .innerJoin('monitors as m', (join) =>
      join.onRef('m.id', '=', 'mc.monitor_id').onRef('m.org_id', '=', 'mc.org_id'),
    )
    .select('mc.channel_id')
    .distinct()
    .where('m.group_id', '=', group.id)
    .where('mc.org_id', '=', group.org_id)
    .orderBy('mc.channel_id')
    .execute();
  if (channels.length === 0) return [];
  const rows = channels.map(({ channel_id }) => {
    const id = randomUUID();
    const payload = buildAlertPayload({
      alertId: id,
      event,
      occurredAtMs: atMs,
      monitorId: member.id,
      config: { ...member.config, name: group.name },
      incident,
      cause,
    });
    return {
      id,
      org_id: group.org_id,
      incident_id: null,
      group_incident_id: incident.id,
      monitor_id: member.id,
      channel_id,
      event,
      status: 'pending' as const,
      payload: JSON.stringify({ ...payload, group: { id: group.id, name: group.name } }),
      dedup_key: `group:${incident.id}:${event}`,
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
  return inserted.map((row) => ({ orgId: group.org_id, alertId: row.id, event }));
}

/** The batch member that changed the group (its notice of `event`), else any member of the batch. */
function changedBy(batch: SettledMonitor[], events: string[]) {
  for (const monitor of batch) {
    const notice = monitor.notices.find((n) => events.includes(n.event));
    if (notice) return { monitor, notice };
  }
  return { monitor: batch[0], notice: undefined };
}

/**
 * Groups alerted as one, for the batch's members: a group with a member down has one open group
 * incident (opened by the first member down, with one down alert per channel of its members); once
 * every member is up again it is resolved with one up alert per channel. Group rows are locked in id
 * order after the monitors' state rows, and members are read after the lock, so the last of two
 * verifiers deciding members of one group sees what the first wrote.
 */
export async function settleGroupIncidents(
  trx: Trx,
  members: { groupId: string; monitor: SettledMonitor }[],
  statusOf: (id: string, stored: MonitorStatus | null) => MonitorStatus | null,
  nowMs: number,
): Promise<void> {
  if (members.length === 0) return;
  const ids = [...new Set(members.map((m) => m.groupId))].sort();
  const { rows: groups } = await sql<Group>`
    SELECT id, org_id, name FROM monitor_groups WHERE id = ANY(${ids}::uuid[]) AND alert_as_one ORDER BY id FOR UPDATE
  `.execute(trx);
  if (groups.length === 0) return;
  const { rows: all } = await sql<Member>`
    SELECT m.id, m.group_id, m.name, m.config, s.status FROM monitors m
    LEFT JOIN monitor_state s ON s.monitor_id = m.id
    WHERE m.group_id = ANY(${ids}::uuid[]) ORDER BY m.name, m.id
  `.execute(trx);
  const { rows: open } = await sql<GroupIncident & { group_id: string }>`
    SELECT id, group_id, opened_at, resolved_at FROM monitor_group_incidents
    WHERE group_id = ANY(${ids}::uuid[]) AND status = 'open'
  `.execute(trx);
  for (const group of groups) {
    const batch = members.filter((m) => m.groupId === group.id).map((m) => m.monitor);
    const groupMembers = all.filter((m) => m.group_id === group.id);
    const down = groupMembers.filter((m) => isDownStatus(statusOf(m.id, m.status)));
    const incident = open.find((i) => i.group_id === group.id);
    if (down.length > 0 && !incident) {
      const { monitor, notice } = changedBy(batch, ['monitor.down', 'monitor.flapping']);
      const opener = down.find((m) => m.id === monitor?.monitorId) ?? down[0];
      if (!opener) continue;
      const own = opener.id === monitor?.monitorId ? notice : undefined;
      const atMs = own?.atMs ?? nowMs;
      const cause = `"${opener.name}" is down${own?.cause ? `: ${own.cause}` : ''}`;
      const opened = await trx
        .insertInto('monitor_group_incidents')
        .values({
          org_id: group.org_id,
          group_id: group.id,
          status: 'open',
          opened_at: new Date(atMs),
          opened_by: opener.id,
          cause,
        })
        .returning(['id', 'opened_at', 'resolved_at'])
        .executeTakeFirstOrThrow();
      const alerts = await insertGroupAlerts(trx, group, opened, 'monitor.down', opener, atMs, cause);
      (batch.find((m) => m.monitorId === opener.id) ?? batch[0])?.alerts.push(...alerts);
    } else if (down.length === 0 && incident) {
      const { monitor, notice } = changedBy(batch, ['monitor.up']);
      const closer = groupMembers.find((m) => m.id === monitor?.monitorId) ?? groupMembers[0];
      if (!closer || !monitor) continue;
      const atMs = Math.max(notice?.atMs ?? nowMs, incident.opened_at.getTime());
      const resolved = await trx
        .updateTable('monitor_group_incidents')
        .set({ status: 'resolved', resolved_at: new Date(atMs) })
        .where('id', '=', incident.id)
        .returning(['id', 'opened_at', 'resolved_at'])
        .executeTakeFirstOrThrow();
      const cause = `every member of "${group.name}" is up`;
      monitor.alerts.push(
        ...(await insertGroupAlerts(trx, group, resolved, 'monitor.up', closer, atMs, cause)),
      );
    }
  }
}
