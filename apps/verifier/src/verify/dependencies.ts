import { isDownStatus, type MonitorStatus, type ParentState, suppressionReason } from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import { sql, type Transaction } from 'kysely';
import { settleGroupIncidents } from './group-incidents';
import type { CreatedAlert } from './notices';

type Trx = Transaction<Database>;

/** One monitor of a verified batch: its status as this transaction leaves it, and what its run wrote. */
export interface SettledMonitor {
  orgId: string;
  monitorId: string;
  status: MonitorStatus;
  /** The notices this run recorded (event and time), in order. */
  notices: { event: string; atMs: number; cause: string | null }[];
  /** The alerts this run wrote; held ones are taken out, released and group ones are added. */
  alerts: CreatedAlert[];
}

interface Context {
  monitor_id: string;
  group_id: string | null;
  group_name: string | null;
  alert_as_one: boolean;
  parents: { monitorId: string | null; groupId: string | null }[];
}

interface IncidentRow {
  id: string;
  monitor_id: string;
  status: 'open' | 'resolved';
  opened_at: Date;
  cause: string | null;
  suppressed_by: string | null;
  released_at: Date | null;
}

/** The batch's monitors that have a group, a parent, or alerts held: most batches have none. */
async function loadContexts(trx: Trx, ids: string[]): Promise<Context[]> {
  const { rows } = await sql<Context>`
    SELECT m.id AS monitor_id, m.group_id, g.name AS group_name, coalesce(g.alert_as_one, false) AS alert_as_one,
      coalesce((SELECT json_agg(json_build_object('monitorId', d.parent_monitor_id, 'groupId', d.parent_group_id))
        FROM monitor_dependencies d WHERE d.monitor_id = m.id AND d.org_id = m.org_id), '[]') AS parents
    FROM monitors m LEFT JOIN monitor_groups g ON g.id = m.group_id AND g.org_id = m.org_id
    WHERE m.id = ANY(${ids}::uuid[])
      AND (m.group_id IS NOT NULL
        OR EXISTS (SELECT 1 FROM monitor_dependencies d WHERE d.monitor_id = m.id)
        OR EXISTS (SELECT 1 FROM incidents i WHERE i.monitor_id = m.id AND i.status = 'open'
          AND i.suppressed_by IS NOT NULL AND i.released_at IS NULL))
  `.execute(trx);
  return rows;
}

/** Parents' names and whether each is down: a group is down while any member is. */
async function loadParents(
  trx: Trx,
  contexts: Context[],
  statusOf: (id: string, stored: MonitorStatus | null) => MonitorStatus | null,
): Promise<Map<string, ParentState>> {
  const monitorIds = contexts.flatMap((c) => c.parents.flatMap((p) => (p.monitorId ? [p.monitorId] : [])));
  const groupIds = contexts.flatMap((c) => c.parents.flatMap((p) => (p.groupId ? [p.groupId] : [])));
  const parents = new Map<string, ParentState>();
  if (monitorIds.length > 0) {
    const { rows } = await sql<{ id: string; name: string; status: MonitorStatus | null }>`
      SELECT m.id, m.name, s.status FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
      WHERE m.id = ANY(${monitorIds}::uuid[])
    `.execute(trx);
    for (const row of rows) {
      parents.set(`m:${row.id}`, { name: row.name, down: isDownStatus(statusOf(row.id, row.status)) });
    }
  }
  if (groupIds.length > 0) {
    const { rows } = await sql<{
      id: string;
      name: string;
      member_id: string | null;
      status: MonitorStatus | null;
    }>`
      SELECT g.id, g.name, m.id AS member_id, s.status FROM monitor_groups g
      LEFT JOIN monitors m ON m.group_id = g.id AND m.org_id = g.org_id
      LEFT JOIN monitor_state s ON s.monitor_id = m.id
      WHERE g.id = ANY(${groupIds}::uuid[])
    `.execute(trx);
    for (const row of rows) {
      const down = row.member_id !== null && isDownStatus(statusOf(row.member_id, row.status));
      const seen = parents.get(`g:${row.id}`);
      parents.set(`g:${row.id}`, { name: row.name, down: down || (seen?.down ?? false) });
    }
  }
  return parents;
}

/** The open incidents of these monitors, and those the given alerts belong to (an up resolves its own). */
async function loadIncidents(trx: Trx, monitorIds: string[], alertIds: string[]): Promise<IncidentRow[]> {
  const { rows } = await sql<IncidentRow>`
    SELECT id, monitor_id, status, opened_at, cause, suppressed_by, released_at FROM incidents
    WHERE (monitor_id = ANY(${monitorIds}::uuid[]) AND status = 'open')
      OR id IN (SELECT incident_id FROM alerts WHERE id = ANY(${alertIds}::uuid[]))
  `.execute(trx);
  return rows;
}

const held = (incident: IncidentRow | undefined) =>
  incident !== undefined && incident.suppressed_by !== null && incident.released_at === null;

async function suppress(trx: Trx, alerts: CreatedAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  const ids = alerts.map((a) => a.alertId);
  await sql`UPDATE alerts SET status = 'suppressed' WHERE id = ANY(${ids}::uuid[])`.execute(trx);
}

/**
 * The parent is up again and the monitor is still down: its held announcements go out now, as new
 * alert rows (their own ids and keys) copied from the held ones.
 */
async function release(
  trx: Trx,
  orgId: string,
  incident: IncidentRow,
  atMs: number,
): Promise<CreatedAlert[]> {
  await sql`UPDATE incidents SET released_at = ${new Date(atMs)} WHERE id = ${incident.id}`.execute(trx);
  const { rows } = await sql<{ id: string; event: CreatedAlert['event'] }>`
    INSERT INTO alerts (id, org_id, incident_id, monitor_id, channel_id, event, status, payload, dedup_key)
    SELECT n.id, a.org_id, a.incident_id, a.monitor_id, a.channel_id, a.event, 'pending',
      jsonb_set(a.payload, '{id}', to_jsonb(n.id::text)), a.dedup_key || ':released'
    FROM alerts a CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) n
    WHERE a.incident_id = ${incident.id} AND a.status = 'suppressed' AND a.event <> 'monitor.up'
      AND a.dedup_key IS NOT NULL
    ON CONFLICT (channel_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
    RETURNING id, event
  `.execute(trx);
  return rows.map((row) => ({ orgId, alertId: row.id, event: row.event }));
}

const isOpening = (event: string) => event === 'monitor.down' || event === 'monitor.flapping';

/** Applies a monitor's parents to what its run wrote (see `settleDependencies`). */
async function settleOne(
  trx: Trx,
  monitor: SettledMonitor,
  context: Context,
  reason: string | null,
  incidents: Map<string, IncidentRow>,
  openOf: Map<string, IncidentRow>,
  nowMs: number,
): Promise<void> {
  const open = openOf.get(monitor.monitorId);
  const hold: CreatedAlert[] = [];
  // A member of a group alerted as one is announced by its group's incident, not on its own.
  if (context.alert_as_one) hold.push(...monitor.alerts);
  else {
    const opening = monitor.notices.find((n) => isOpening(n.event) && open?.opened_at.getTime() === n.atMs);
    if (open && opening && reason && open.suppressed_by === null) {
      const cause = open.cause ? `${reason}; ${open.cause}` : reason;
      await sql`UPDATE incidents SET suppressed_by = ${reason}, cause = ${cause} WHERE id = ${open.id}`.execute(
        trx,
      );
      open.suppressed_by = reason;
      open.cause = cause;
    }
    if (open && held(open) && !reason && isDownStatus(monitor.status)) {
      monitor.alerts.push(...(await release(trx, monitor.orgId, open, nowMs)));
      open.released_at = new Date(nowMs);
    }
    // Whatever this run announced about a still-held incident stays held, its up included.
    const incidentOf = await incidentIdsOf(trx, monitor.alerts);
    hold.push(...monitor.alerts.filter((alert) => held(incidents.get(incidentOf.get(alert.alertId) ?? ''))));
  }
  await suppress(trx, hold);
  const heldIds = new Set(hold.map((a) => a.alertId));
  monitor.alerts.splice(0, monitor.alerts.length, ...monitor.alerts.filter((a) => !heldIds.has(a.alertId)));
}

async function incidentIdsOf(trx: Trx, alerts: CreatedAlert[]): Promise<Map<string, string>> {
  if (alerts.length === 0) return new Map();
  const { rows } = await sql<{ id: string; incident_id: string | null }>`
    SELECT id, incident_id FROM alerts WHERE id = ANY(${alerts.map((a) => a.alertId)}::uuid[])
  `.execute(trx);
  return new Map(rows.flatMap((row) => (row.incident_id ? [[row.id, row.incident_id] as const] : [])));
}

/**
 * Dependencies and groups, decided in the verifying transaction after its monitors were decided:
 * a monitor whose parent is down keeps its incident but its alerts are held (`suppressed`, cause
 * `parent "X" is down`); once no parent is down and it is still down, the held alerts go out; an
 * up that closes a held incident is held too. Members of a group alerted as one are announced
 * through the group's incident. Statuses are those this transaction writes.
 */
export async function settleDependencies(trx: Trx, monitors: SettledMonitor[], nowMs: number): Promise<void> {
  if (monitors.length === 0) return;
  const contexts = await loadContexts(
    trx,
    monitors.map((m) => m.monitorId),
  );
  if (contexts.length === 0) return;
  const statuses = new Map(monitors.map((m) => [m.monitorId, m.status]));
  const statusOf = (id: string, stored: MonitorStatus | null) => statuses.get(id) ?? stored;
  const parents = await loadParents(trx, contexts, statusOf);
  const byId = new Map(monitors.map((m) => [m.monitorId, m]));
  const involved = contexts.flatMap((c) => byId.get(c.monitor_id) ?? []);
  const rows = await loadIncidents(
    trx,
    involved.map((m) => m.monitorId),
    involved.flatMap((m) => m.alerts.map((a) => a.alertId)),
  );
  const incidents = new Map(rows.map((row) => [row.id, row]));
  const openOf = new Map(rows.filter((row) => row.status === 'open').map((row) => [row.monitor_id, row]));
  for (const context of contexts) {
    const monitor = byId.get(context.monitor_id);
    if (!monitor) continue;
    const states = context.parents.flatMap((p) => {
      const parent = parents.get(p.monitorId ? `m:${p.monitorId}` : `g:${p.groupId}`);
      return parent ? [parent] : [];
    });
    await settleOne(trx, monitor, context, suppressionReason(states), incidents, openOf, nowMs);
  }
  const grouped = contexts.filter((c) => c.alert_as_one && c.group_id !== null);
  await settleGroupIncidents(
    trx,
    grouped.flatMap((c) => {
      const monitor = byId.get(c.monitor_id);
      return monitor && c.group_id ? [{ groupId: c.group_id, monitor }] : [];
    }),
    statusOf,
    nowMs,
  );
}
