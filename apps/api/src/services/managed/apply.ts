import { conflict, type DesiredResources, type PlannedChange, type ResourceKind } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { ActorContext } from '../../context';
import { createChannel, deleteChannel, updateChannel } from '../channels';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  updateMaintenanceWindow,
} from '../maintenance-windows';
import { createMonitor, deleteMonitor, replaceMonitor } from '../monitors';
import { lockOrganization } from '../quotas';
import { createStatusPage, deleteStatusPage, updateStatusPage } from '../status-pages';
import { loadLiveState, revisionOf } from './live';
import { monitorInput, planApply, type Step } from './plan';

const tables = {
  channels: 'channels',
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

async function run(ctx: ActorContext, step: Step, ids: Ids): Promise<void> {
  const { change } = step;
  if (change.action === 'delete' && change.id) {
    const remove = {
      channels: deleteChannel,
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
    case 'monitors': {
      const entry = step.entry;
      if (!entry) return;
      const channelIds = entry.channels ? idsOf(ids, 'channels', entry.channels) : undefined;
      if (!id) id = (await createMonitor(ctx, monitorInput(entry, channelIds))).id;
      else if (changed && step.live && step.config) {
        await replaceMonitor(ctx, { id, stored: step.live.stored, config: step.config, channelIds });
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
      const page = {
        slug: entry.slug,
        title: entry.title,
        monitorIds: idsOf(ids, 'monitors', entry.monitors),
      };
      if (!id) id = (await createStatusPage(ctx, page)).id;
      else if (changed) await updateStatusPage(ctx, { id, patch: page });
      break;
    }
  }
  ids[step.kind].set(change.key, id);
  await markManaged(ctx, step.kind, id, change.key);
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
  for (const step of plan.steps) await run(ctx, step, ids);
  return {
    revision: revisionOf(await loadLiveState(ctx)),
    applied: true,
    changes,
    unchanged: plan.unchanged,
  };
}
