import {
  conflict,
  type DesiredResources,
  type PlannedChange,
  pageMonitorOrder,
  type ResourceKind,
} from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { ActorContext } from '../../context';
import { createChannel, deleteChannel, updateChannel } from '../channels';
import {
  createEscalationPolicy,
  deleteEscalationPolicy,
  updateEscalationPolicy,
} from '../escalation-policies';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  updateMaintenanceWindow,
} from '../maintenance-windows';
import { linkDependencies } from '../monitor-dependencies';
import { createMonitorGroup, deleteMonitorGroup, updateMonitorGroup } from '../monitor-groups';
import { createMonitor, deleteMonitor, replaceMonitor } from '../monitors';
import { createRotation, deleteRotation, updateRotation } from '../oncall-rotations';
import { lockOrganization } from '../quotas';
import { createStatusPage, deleteStatusPage, updateStatusPage } from '../status-pages';
import { loadLiveState, revisionOf } from './live';
import { planApply, type Step } from './plan';
import { monitorInput, underEntry } from './plan-monitor';
import { type MemberResolver, policySteps } from './plan-oncall';
import { changesComponents, pageSettings } from './plan-page';

const tables = {
  channels: 'channels',
  oncallRotations: 'oncall_rotations',
  escalationPolicies: 'escalation_policies',
  groups: 'monitor_groups',
  monitors: 'monitors',
  maintenanceWindows: 'maintenance_windows',
  statusPages: 'status_pages',
} as const;

export interface ApplyRequest {
  resources: DesiredResources;
  prune: boolean;
  /** Refuse (409) unless the organization is still at this revision (a plan's). */
  expectedRevision?: string | undefined;
  dryRun: boolean;
}

export interface ApplyOutcome {
  revision: string;
  applied: boolean;
  changes: PlannedChange[];
  unchanged: number;
}

async function markManaged(ctx: ActorContext, kind: ResourceKind, id: string, key: string) {
  await ctx.db
    .updateTable(tables[kind])
    .set({ key, managed: true, updated_at: sql`now()` })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .execute();
}

/** Ids by key after the apply so far: live ones first, created ones as they are made. */
type Ids = Record<ResourceKind, Map<string, string>>;

const idsOf = (ids: Ids, kind: ResourceKind, keys: string[]) => keys.map((key) => ids[kind].get(key) ?? key);
const idOf = (ids: Ids, kind: ResourceKind, key: string | null | undefined) =>
  key ? (ids[kind].get(key) ?? key) : null;

async function run(ctx: ActorContext, step: Step, ids: Ids, people: MemberResolver): Promise<void> {
  const { change } = step;
  if (change.action === 'delete' && change.id) {
    const remove = {
      channels: deleteChannel,
      oncallRotations: deleteRotation,
      escalationPolicies: deleteEscalationPolicy,
      groups: deleteMonitorGroup,
      monitors: deleteMonitor,
      maintenanceWindows: deleteMaintenanceWindow,
      statusPages: deleteStatusPage,
    }[step.kind];
    await remove(ctx, change.id);
    return;
  }
  const changed = change.fields.length > 0 || change.action === 'create';
  let id = change.id;
  switch (step.kind) {
    case 'channels': {
      const entry = step.entry;
      if (!entry) return;
      const fields = { name: entry.name, isDefault: entry.isDefault ?? false };
      if (!id)
        id = (await createChannel(ctx, { ...fields, type: entry.type, config: entry.config } as never)).id;
      else if (changed)
        await updateChannel(ctx, {
          id,
          patch: { ...fields, config: entry.config },
          targets: () => undefined,
        });
      break;
    }
    case 'oncallRotations': {
      const entry = step.entry;
      if (!entry) return;
      const { key: _key, members, ...fields } = entry;
      const rotation = {
        ...fields,
        handoffWeekday: fields.handoffWeekday ?? null,
        memberIds: members.map(people.known),
      };
      if (!id) id = (await createRotation(ctx, rotation)).id;
      else if (changed) await updateRotation(ctx, { id, patch: rotation });
      break;
    }
    case 'escalationPolicies': {
      const entry = step.entry;
      if (!entry) return;
      const policy = {
        name: entry.name,
        steps: policySteps(entry, (kind, key) => idOf(ids, kind, key) as string, people),
        repeat: entry.repeat,
        reminderMinutes: entry.reminderMinutes,
      };
      if (!id) id = (await createEscalationPolicy(ctx, policy)).id;
      else if (changed) await updateEscalationPolicy(ctx, id, policy);
      break;
    }
    case 'groups': {
      const entry = step.entry;
      if (!entry) return;
      const group = { name: entry.name, alertAsOne: entry.alertAsOne };
      if (!id) id = (await createMonitorGroup(ctx, group)).id;
      else if (changed) await updateMonitorGroup(ctx, { id, patch: group });
      break;
    }
    case 'monitors': {
      const entry = step.entry;
      if (!entry) return;
      const channelIds = entry.channels ? idsOf(ids, 'channels', entry.channels) : undefined;
      // Parents are linked once every monitor exists (`linkParents`).
      const groupId = idOf(ids, 'groups', entry.group);
      const escalationPolicyId = idOf(ids, 'escalationPolicies', entry.escalationPolicy);
      if (!id) {
        id = (await createMonitor(ctx, { ...monitorInput(entry, channelIds), groupId, escalationPolicyId }))
          .id;
      } else if (changed && step.live && step.config) {
        await replaceMonitor(ctx, {
          id,
          stored: step.live.stored,
          config: step.config,
          channelIds,
          links: { groupId },
          escalationPolicyId,
        });
      }
      break;
    }
    case 'maintenanceWindows': {
      const entry = step.entry;
      if (!entry) return;
      const { key: _key, monitors, ...fields } = entry;
      const window = {
        ...fields,
        endsAt: fields.endsAt ?? null,
        recurrence: fields.recurrence ?? null,
        monitorIds: idsOf(ids, 'monitors', monitors),
      };
      if (!id) id = (await createMaintenanceWindow(ctx, window)).id;
      else if (changed) await updateMaintenanceWindow(ctx, { id, patch: window });
      break;
    }
    case 'statusPages': {
      const entry = step.entry;
      if (!entry) return;
      const components = (entry.components ?? []).map((c) => ({
        name: c.name,
        description: c.description ?? null,
        monitorIds: idsOf(ids, 'monitors', c.monitors),
      }));
      const page = {
        slug: entry.slug,
        title: entry.title,
        monitorIds: idsOf(ids, 'monitors', pageMonitorOrder(entry.monitors, entry.components ?? [])),
        ...pageSettings(entry),
      };
      // Components are rewritten (new ids) only when they change.
      if (!id)
        id = (await createStatusPage(ctx, { ...page, ...(components.length ? { components } : {}) })).id;
      else if (changed) {
        const rewrite = changesComponents(change.fields) ? { components } : {};
        await updateStatusPage(ctx, { id, patch: { ...page, ...rewrite } });
      }
      break;
    }
  }
  ids[step.kind].set(change.key, id);
  await markManaged(ctx, step.kind, id, change.key);
}

/**
 * Unlinks the groups and parents of the monitors an apply relinks before any link is written, so the
 * dependency graph only ever holds old links or new ones: a cycle check then fails only when the
 * file's own graph has a cycle, never on a mix of the two.
 */
async function detachMonitors(ctx: ActorContext, steps: Array<Extract<Step, { kind: 'monitors' }>>) {
  const ids = steps.flatMap((s) => (s.change.id ? [s.change.id] : []));
  if (ids.length === 0) return;
  await ctx.db
    .deleteFrom('monitor_dependencies')
    .where('org_id', '=', ctx.orgId)
    .where('monitor_id', 'in', ids)
    .execute();
  await ctx.db
    .updateTable('monitors')
    .set({ group_id: null })
    .where('org_id', '=', ctx.orgId)
    .where('id', 'in', ids)
    .execute();
}

/** Links each relinked monitor to its parents, once every monitor of the file exists. */
async function linkParents(ctx: ActorContext, steps: Array<Extract<Step, { kind: 'monitors' }>>, ids: Ids) {
  for (const step of steps) {
    const entry = step.entry;
    const id = ids.monitors.get(step.change.key);
    if (!entry || !id) continue;
    const dependsOn = {
      monitorIds: idsOf(ids, 'monitors', entry.dependsOn?.monitors ?? []),
      groupIds: idsOf(ids, 'groups', entry.dependsOn?.groups ?? []),
    };
    await linkDependencies(ctx.db, ctx.orgId, id, { dependsOn });
  }
}

/**
 * Plans `resources` against the organization and, unless a dry run, carries the plan out, all in the
 * request's one transaction under the organization's lock: two applies never interleave, and a
 * failure anywhere leaves nothing changed.
 */
export async function applyResources(ctx: ActorContext, request: ApplyRequest): Promise<ApplyOutcome> {
  await lockOrganization(ctx.db, ctx.orgId);
  const live = await loadLiveState(ctx);
  const revision = revisionOf(live);
  if (request.expectedRevision !== undefined && request.expectedRevision !== revision) {
    throw conflict(
      `the organization changed since the plan (now at revision ${revision}, not ${request.expectedRevision}); plan again`,
    );
  }
  const plan = await planApply(ctx, request.resources, live, request.prune);
  const changes = plan.steps.map((step) => step.change);
  if (request.dryRun || plan.steps.length === 0) {
    return { revision, applied: false, changes, unchanged: plan.unchanged };
  }
  const ids = Object.fromEntries(
    Object.entries(plan.keys).map(([kind, keys]) => [kind, new Map([...keys].map(([id, key]) => [key, id]))]),
  ) as Ids;
  const relinked = plan.steps.filter(
    (s): s is Extract<Step, { kind: 'monitors' }> =>
      s.kind === 'monitors' &&
      s.entry !== null &&
      (s.change.action === 'create' ||
        s.change.fields.some((f) => f.field === 'dependsOn' || f.field === 'group')),
  );
  await detachMonitors(ctx, relinked);
  for (const step of plan.steps) {
    // A page's slug or custom domain taken elsewhere is named at its place in the file.
    const index =
      step.kind === 'statusPages'
        ? request.resources.statusPages.findIndex((e) => e.key === step.change.key)
        : -1;
    if (index >= 0) await underEntry(step.kind, index, () => run(ctx, step, ids, plan.people));
    else await run(ctx, step, ids, plan.people);
  }
  await linkParents(ctx, relinked, ids);
  return {
    revision: revisionOf(await loadLiveState(ctx)),
    applied: true,
    changes,
    unchanged: plan.unchanged,
  };
}
