import { createHash } from 'node:crypto';
import {
  type ChannelTypeName,
  type EscalationStep,
  isChannelTypeName,
  OPEN_ENDED_MS,
  type Recurrence,
  resourceKinds,
} from '@sentinelmesh/core';
import { windowRule } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { ActorContext } from '../../context';
import type { StoredMonitorRow } from '../monitors';
import { toSettingsView } from '../status-page-settings';
import { selectPages } from '../status-pages';

/** What every live resource shows an apply: who it is, and whether a file owns it. */
export interface LiveBase {
  id: string;
  key: string | null;
  managed: boolean;
  /** How an entry without a live key finds a resource made elsewhere: its name (a status page's slug). */
  identity: string;
  updatedAt: Date;
}

export interface LiveChannel extends LiveBase {
  type: ChannelTypeName;
  name: string;
  isDefault: boolean;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

export interface LiveMonitor extends LiveBase {
  name: string;
  stored: StoredMonitorRow;
  channelIds: string[];
  groupId: string | null;
  escalationPolicyId: string | null;
  dependsOn: { monitorIds: string[]; groupIds: string[] };
}

export interface LiveRotation extends LiveBase {
  name: string;
  cadence: 'daily' | 'weekly';
  handoffTime: string;
  handoffWeekday: number | null;
  timeZone: string;
  startsAt: Date;
  memberIds: string[];
}

export interface LivePolicy extends LiveBase {
  name: string;
  steps: EscalationStep[];
  repeat: number;
  reminderMinutes: number | null;
}

export interface LiveGroup extends LiveBase {
  name: string;
  alertAsOne: boolean;
}

export interface LiveWindow extends LiveBase {
  name: string;
  startsAt: Date;
  /** null for a recurring series without an end. */
  endsAt: Date | null;
  recurrence: Recurrence | null;
  monitorIds: string[];
}

export interface LivePage extends LiveBase {
  slug: string;
  title: string;
  /** Component by component, then those in none (the order the page shows them). */
  monitorIds: string[];
  settings: ReturnType<typeof toSettingsView>;
}

export interface LiveState {
  channels: LiveChannel[];
  oncallRotations: LiveRotation[];
  escalationPolicies: LivePolicy[];
  groups: LiveGroup[];
  monitors: LiveMonitor[];
  maintenanceWindows: LiveWindow[];
  statusPages: LivePage[];
}

function openChannelSecrets(ctx: ActorContext, sealed: string | null): Record<string, unknown> {
  if (!sealed) return {};
  try {
    return ctx.box.open<Record<string, unknown>>(sealed);
  } catch {
    // Sealed under another SECRETS_KEY: every secret of the file then reads as changed.
    return {};
  }
}

const linked = (table: 'monitor_channels' | 'maintenance_window_monitors') => {
  const owner = {
    monitor_channels: 'monitor_id',
    maintenance_window_monitors: 'window_id',
  }[table];
  const target = table === 'monitor_channels' ? 'channel_id' : 'monitor_id';
  return sql<string[]>`coalesce((SELECT array_agg(l.${sql.ref(target)}::text ORDER BY l.${sql.ref(target)})
    FROM ${sql.table(table)} l WHERE l.${sql.ref(owner)} = r.id AND l.org_id = r.org_id), '{}')`;
};

const parents = (column: 'parent_monitor_id' | 'parent_group_id') =>
  sql<string[]>`coalesce((SELECT array_agg(d.${sql.ref(column)}::text ORDER BY d.${sql.ref(column)})
    FROM monitor_dependencies d WHERE d.monitor_id = r.id AND d.org_id = r.org_id
    AND d.${sql.ref(column)} IS NOT NULL), '{}')`;

/** The base of a resource whose identity is its name. */
const named = (row: {
  id: string;
  key: string | null;
  managed: boolean;
  name: string;
  updated_at: Date;
}) => ({
  id: row.id,
  key: row.key,
  managed: row.managed,
  identity: row.name,
  updatedAt: row.updated_at,
  name: row.name,
});

/** The organization's on-call resources and its members' emails (a file names members by email). */
async function loadOncall(ctx: ActorContext) {
  const { db, orgId } = ctx;
  const [rotations, policies, groups, members] = await Promise.all([
    db.selectFrom('oncall_rotations').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute(),
    db
      .selectFrom('escalation_policies')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .execute(),
    db.selectFrom('monitor_groups').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute(),
    db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.email'])
      .where('m.org_id', '=', orgId)
      .execute(),
  ]);
  return {
    oncallRotations: rotations.map((row) => ({
      ...named(row),
      cadence: row.cadence,
      handoffTime: row.handoff_time,
      handoffWeekday: row.handoff_weekday,
      timeZone: row.time_zone,
      startsAt: row.starts_at,
      memberIds: row.member_ids,
    })),
    escalationPolicies: policies.map((row) => ({
      ...named(row),
      steps: row.steps,
      repeat: row.repeat,
      reminderMinutes: row.reminder_minutes,
    })),
    groups: groups.map((row) => ({ ...named(row), alertAsOne: row.alert_as_one })),
    members: new Map(members.map((m) => [m.user_id, m.email.toLowerCase()])),
  };
}

/** Members' emails (lowercase) by user id. */
export type Members = Map<string, string>;

/** Everything of the organization an apply compares with, read in the apply's transaction. */
export async function loadLiveState(ctx: ActorContext): Promise<LiveState & { members: Members }> {
  const { db, orgId } = ctx;
  const [channels, monitors, windows, pages, oncall] = await Promise.all([
    db
      .selectFrom('channels as r')
      .select(['id', 'key', 'managed', 'type', 'name', 'is_default', 'config', 'secrets', 'updated_at'])
      .where('org_id', '=', orgId)
      // A member's personal channel belongs to them, not to a file.
      .where('user_id', 'is', null)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('monitors as r')
      .select([
        'id',
        'key',
        'managed',
        'config',
        'secrets',
        'updated_at',
        'group_id',
        'escalation_policy_id',
        linked('monitor_channels').as('links'),
        parents('parent_monitor_id').as('parent_monitors'),
        parents('parent_group_id').as('parent_groups'),
      ])
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('maintenance_windows as r')
      .select([
        'id',
        'key',
        'managed',
        'name',
        'starts_at',
        'ends_at',
        'recurrence_rule',
        'recurrence_time_zone',
        'recurrence_duration_minutes',
        'updated_at',
        linked('maintenance_window_monitors').as('links'),
      ])
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .execute(),
    selectPages(db, orgId).orderBy('p.created_at').execute(),
    loadOncall(ctx),
  ]);
  const { members, ...oncallResources } = oncall;
  return {
    members,
    ...oncallResources,
    channels: channels.map((row) => ({
      id: row.id,
      key: row.key,
      managed: row.managed,
      identity: row.name,
      updatedAt: row.updated_at,
      type: isChannelTypeName(row.type) ? row.type : 'webhook',
      name: row.name,
      isDefault: row.is_default,
      config: row.config ?? {},
      secrets: openChannelSecrets(ctx, row.secrets),
    })),
    monitors: monitors.map((row) => ({
      id: row.id,
      key: row.key,
      managed: row.managed,
      identity: row.config.name,
      updatedAt: row.updated_at,
      name: row.config.name,
      stored: { config: row.config, secrets: row.secrets },
      channelIds: row.links,
      groupId: row.group_id,
      escalationPolicyId: row.escalation_policy_id,
      dependsOn: { monitorIds: row.parent_monitors, groupIds: row.parent_groups },
    })),
    maintenanceWindows: windows.map((row) => ({
      ...named(row),
      startsAt: row.starts_at,
      endsAt: row.ends_at.getTime() === OPEN_ENDED_MS ? null : row.ends_at,
      recurrence: windowRule(row).recurrence,
      monitorIds: row.links,
    })),
    statusPages: pages.map((row) => ({
      id: row.id,
      key: row.key,
      managed: row.managed,
      identity: row.slug,
      updatedAt: row.updated_at,
      slug: row.slug,
      title: row.title,
      monitorIds: row.monitor_ids,
      settings: toSettingsView(row),
    })),
  };
}

/**
 * A fingerprint of everything an apply compares: any write to these resources (a dashboard edit, a
 * delete, another apply) changes it, so an apply can insist on the state its plan was made against.
 */
export function revisionOf(live: LiveState): string {
  const hash = createHash('sha256');
  for (const kind of resourceKinds) {
    for (const r of live[kind] as LiveBase[]) {
      hash.update(`${kind}:${r.id}:${r.key ?? ''}:${r.managed}:${r.updatedAt.getTime()};`);
    }
  }
  return hash.digest('base64url').slice(0, 22);
}
