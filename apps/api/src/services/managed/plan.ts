import {
  type ChannelEntry,
  changedFields,
  channelSecretFields,
  channelType,
  type DesiredResources,
  DomainError,
  type EscalationPolicyEntry,
  type FieldChange,
  type GroupEntry,
  type MaintenanceWindowEntry,
  type MonitorEntry,
  type PlannedChange,
  type ResourceKind,
  type RotationEntry,
  type StatusPageEntry,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';
import type { ActorContext } from '../../context';
import type {
  LiveChannel,
  LiveGroup,
  LiveMonitor,
  LivePage,
  LivePolicy,
  LiveRotation,
  LiveState,
  LiveWindow,
  Members,
} from './live';
import { type Match, matchEntries } from './match';
import { planMonitor } from './plan-monitor';
import { type MemberResolver, memberResolver, planGroup, planPolicy, planRotation } from './plan-oncall';
import { planPage } from './plan-page';

/** One change of a plan with what carrying it out needs. */
export type Step =
  | { kind: 'channels'; change: PlannedChange; entry: ChannelEntry | null; live: LiveChannel | null }
  | { kind: 'oncallRotations'; change: PlannedChange; entry: RotationEntry | null; live: LiveRotation | null }
  | {
      kind: 'escalationPolicies';
      change: PlannedChange;
      entry: EscalationPolicyEntry | null;
      live: LivePolicy | null;
    }
  | { kind: 'groups'; change: PlannedChange; entry: GroupEntry | null; live: LiveGroup | null }
  | {
      kind: 'monitors';
      change: PlannedChange;
      entry: MonitorEntry | null;
      live: LiveMonitor | null;
      config: StoredMonitorConfig | null;
    }
  | {
      kind: 'maintenanceWindows';
      change: PlannedChange;
      entry: MaintenanceWindowEntry | null;
      live: LiveWindow | null;
    }
  | { kind: 'statusPages'; change: PlannedChange; entry: StatusPageEntry | null; live: LivePage | null };

export interface Plan {
  steps: Step[];
  unchanged: number;
  /** The key each live resource has after the apply (its own, or the entry's that adopts it). */
  keys: Record<ResourceKind, Map<string, string>>;
  /** The organization's members by email, for the ids of the people a file names. */
  people: MemberResolver;
}

const SECRET = '(secret)';

function channelForm(
  type: ChannelEntry['type'],
  settings: Record<string, unknown>,
  secretsOnly?: Set<string>,
) {
  const secretFields = new Set(channelSecretFields(type));
  const visible: Record<string, unknown> = {};
  const real: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(settings)) {
    if (secretFields.has(field) && secretsOnly && !secretsOnly.has(field)) continue;
    real[`config.${field}`] = value;
    visible[`config.${field}`] = secretFields.has(field) && value !== undefined ? SECRET : value;
  }
  return { real, visible };
}

function planChannel(m: Match<ChannelEntry, LiveChannel>): FieldChange[] {
  const { entry, live } = m;
  if (!live) return [];
  if (live.type !== entry.type) {
    throw new DomainError('validation', "a channel's type cannot change", [
      {
        path: `channels.${m.index}.type`,
        message: `the live channel is ${live.type}; give the new one another key`,
      },
    ]);
  }
  const desired = channelType(entry.type).settings.parse(entry.config) as Record<string, unknown>;
  // A secret the file leaves out keeps its stored value (a webhook's generated signing secret).
  const given = new Set(Object.keys(desired));
  const after = channelForm(entry.type, desired);
  const before = channelForm(entry.type, { ...live.config, ...live.secrets }, given);
  return changedFields(
    { name: live.name, isDefault: live.isDefault, ...before.real },
    { name: entry.name, isDefault: entry.isDefault ?? false, ...after.real },
    {
      before: { name: live.name, isDefault: live.isDefault, ...before.visible },
      after: { name: entry.name, isDefault: entry.isDefault ?? false, ...after.visible },
    },
  );
}

const instant = (value: string | Date) => new Date(value).toISOString();

function planWindow(m: Match<MaintenanceWindowEntry, LiveWindow>, monitorKey: (id: string) => string) {
  const { entry, live } = m;
  if (!live) return [];
  const sorted = (list: string[]) => [...list].sort();
  return changedFields(
    {
      name: live.name,
      startsAt: instant(live.startsAt),
      endsAt: live.endsAt && instant(live.endsAt),
      recurrence: live.recurrence,
      monitors: sorted(live.monitorIds.map(monitorKey)),
    },
    {
      name: entry.name,
      startsAt: instant(entry.startsAt),
      endsAt: entry.endsAt ? instant(entry.endsAt) : null,
      recurrence: entry.recurrence ?? null,
      monitors: sorted(entry.monitors),
    },
  );
}

const change = (
  kind: ResourceKind,
  m: { entry: { key: string }; live: { id: string } | null; how: Match<unknown, never>['how'] },
  name: string,
  fields: FieldChange[],
): PlannedChange | null => {
  const action = m.how ?? (fields.length > 0 ? 'update' : null);
  return action ? { kind, key: m.entry.key, action, id: m.live?.id ?? null, name, fields } : null;
};

/** The key a live resource has after the apply, or `#<id>` for one that keeps none. */
function keysAfter<L extends { id: string; key: string | null }>(
  matches: Array<{ entry: { key: string }; live: L | null }>,
  live: L[],
): Map<string, string> {
  const keys = new Map(live.map((r) => [r.id, r.key ?? `#${r.id}`]));
  for (const m of matches) if (m.live) keys.set(m.live.id, m.entry.key);
  return keys;
}

/**
 * What an apply of `desired` over `live` does, in the order it does it: creates and updates from
 * channels through rotations, policies, groups and monitors to status pages, then (with `prune`)
 * deletes of managed resources the file no longer has, in the reverse order. Resources without the managed marker are never deleted.
 */
export async function planApply(
  ctx: ActorContext,
  desired: DesiredResources,
  { members, ...live }: LiveState & { members: Members },
  prune: boolean,
): Promise<Plan> {
  const channels = matchEntries(desired.channels, live.channels, (e) => e.name);
  const rotations = matchEntries(desired.oncallRotations, live.oncallRotations, (e) => e.name);
  const policies = matchEntries(desired.escalationPolicies, live.escalationPolicies, (e) => e.name);
  const groups = matchEntries(desired.groups, live.groups, (e) => e.name);
  const monitors = matchEntries(desired.monitors, live.monitors, (e) => e.name);
  const windows = matchEntries(desired.maintenanceWindows, live.maintenanceWindows, (e) => e.name);
  const pages = matchEntries(desired.statusPages, live.statusPages, (e) => e.slug);
  const keys = {
    channels: keysAfter(channels.matches, live.channels),
    oncallRotations: keysAfter(rotations.matches, live.oncallRotations),
    escalationPolicies: keysAfter(policies.matches, live.escalationPolicies),
    groups: keysAfter(groups.matches, live.groups),
    monitors: keysAfter(monitors.matches, live.monitors),
    maintenanceWindows: keysAfter(windows.matches, live.maintenanceWindows),
    statusPages: keysAfter(pages.matches, live.statusPages),
  };
  const keyOf = (kind: ResourceKind) => (id: string) => keys[kind].get(id) ?? `#${id}`;
  const people = memberResolver(members);
  const steps: Step[] = [];
  let unchanged = 0;
  const push = (step: Step | null) => {
    if (step) steps.push(step);
    else unchanged += 1;
  };

  for (const m of channels.matches) {
    const c = change('channels', m, m.entry.name, planChannel(m));
    push(c ? { kind: 'channels', change: c, entry: m.entry, live: m.live } : null);
  }
  for (const m of rotations.matches) {
    const c = change('oncallRotations', m, m.entry.name, planRotation(m, people));
    push(c ? { kind: 'oncallRotations', change: c, entry: m.entry, live: m.live } : null);
  }
  for (const m of policies.matches) {
    const fields = planPolicy(m, (kind, id) => keyOf(kind)(id), people);
    const c = change('escalationPolicies', m, m.entry.name, fields);
    push(c ? { kind: 'escalationPolicies', change: c, entry: m.entry, live: m.live } : null);
  }
  people.check();
  for (const m of groups.matches) {
    const c = change('groups', m, m.entry.name, planGroup(m));
    push(c ? { kind: 'groups', change: c, entry: m.entry, live: m.live } : null);
  }
  for (const m of monitors.matches) {
    const { config, fields } = await planMonitor(ctx, m, keyOf);
    const c = change('monitors', m, m.entry.name, fields);
    push(c ? { kind: 'monitors', change: c, entry: m.entry, live: m.live, config } : null);
  }
  for (const m of windows.matches) {
    const c = change('maintenanceWindows', m, m.entry.name, planWindow(m, keyOf('monitors')));
    push(c ? { kind: 'maintenanceWindows', change: c, entry: m.entry, live: m.live } : null);
  }
  for (const m of pages.matches) {
    const c = change('statusPages', m, m.entry.title, planPage(m, keyOf('monitors')));
    push(c ? { kind: 'statusPages', change: c, entry: m.entry, live: m.live } : null);
  }
  if (prune) {
    const gone = <L extends { id: string; key: string | null; managed: boolean }>(
      kind: ResourceKind,
      leftover: L[],
      nameOf: (r: L) => string,
    ) =>
      leftover
        .filter((r) => r.managed && r.key !== null)
        .map((r) => ({
          kind,
          change: {
            kind,
            key: r.key as string,
            action: 'delete' as const,
            id: r.id,
            name: nameOf(r),
            fields: [],
          },
          entry: null,
          live: r,
        }));
    steps.push(
      ...(gone('statusPages', pages.leftover, (r) => r.title) as Step[]),
      ...(gone('maintenanceWindows', windows.leftover, (r) => r.name) as Step[]),
      ...(gone('monitors', monitors.leftover, (r) => r.name).map((s) => ({ ...s, config: null })) as Step[]),
      ...(gone('groups', groups.leftover, (r) => r.name) as Step[]),
      ...(gone('escalationPolicies', policies.leftover, (r) => r.name) as Step[]),
      ...(gone('oncallRotations', rotations.leftover, (r) => r.name) as Step[]),
      ...(gone('channels', channels.leftover, (r) => r.name) as Step[]),
    );
  }
  return { steps, unchanged, keys, people };
}
