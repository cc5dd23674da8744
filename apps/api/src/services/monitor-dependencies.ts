import {
  type DependencyNode,
  type DependsOn,
  type FieldProblem,
  findDependencyCycle,
} from '@sentinelmesh/core';
import type { TenantDb } from '../context';
import { apiErrors } from '../errors';
import { findMissingIds } from './owned-ids';

/** What a monitor's create or patch says of its group and parents; undefined leaves each as it is. */
export interface MonitorLinks {
  groupId?: string | null | undefined;
  dependsOn?: DependsOn | undefined;
}

async function missingProblem(
  tx: TenantDb,
  orgId: string,
  table: 'monitors' | 'monitor_groups',
  ids: readonly string[],
  path: string,
): Promise<{ unique: string[]; problems: FieldProblem[] }> {
  const { unique, missing } = await findMissingIds(tx, table, orgId, ids);
  const what = table === 'monitors' ? 'monitor' : 'group';
  return {
    unique,
    problems: missing.length > 0 ? [{ path, message: `no such ${what}: ${missing.join(', ')}` }] : [],
  };
}

/**
 * The organization's dependency graph: monitors to their parents, groups to their members. Read
 * under the organization lock the monitor and group writes take, so two changes cannot make a
 * cycle between them.
 */
async function loadGraph(tx: TenantDb, orgId: string) {
  const [edges, members, names] = await Promise.all([
    tx
      .selectFrom('monitor_dependencies')
      .select(['monitor_id', 'parent_monitor_id', 'parent_group_id'])
      .where('org_id', '=', orgId)
      .execute(),
    tx
      .selectFrom('monitors')
      .select(['id', 'group_id'])
      .where('org_id', '=', orgId)
      .where('group_id', 'is not', null)
      .execute(),
    Promise.all([
      tx.selectFrom('monitors').select(['id', 'name']).where('org_id', '=', orgId).execute(),
      tx.selectFrom('monitor_groups').select(['id', 'name']).where('org_id', '=', orgId).execute(),
    ]),
  ]);
  const graph = new Map<DependencyNode, DependencyNode[]>();
  const add = (from: DependencyNode, to: DependencyNode) => graph.set(from, [...(graph.get(from) ?? []), to]);
  for (const e of edges)
    add(`m:${e.monitor_id}`, e.parent_monitor_id ? `m:${e.parent_monitor_id}` : `g:${e.parent_group_id}`);
  for (const m of members) add(`g:${m.group_id}`, `m:${m.id}`);
  const label = new Map<string, string>([
    ...names[0].map((r) => [`m:${r.id}`, `monitor "${r.name}"`] as const),
    ...names[1].map((r) => [`g:${r.id}`, `group "${r.name}"`] as const),
  ]);
  return { graph, label: (node: DependencyNode) => label.get(node) ?? node };
}

/** A 400 naming the cycle when the organization's graph has one through any of `starts`. */
export async function assertNoCycle(
  tx: TenantDb,
  orgId: string,
  starts: DependencyNode[],
  path: string,
): Promise<void> {
  const { graph, label } = await loadGraph(tx, orgId);
  for (const start of starts) {
    const cycle = findDependencyCycle(graph, start);
    if (cycle) {
      throw apiErrors.invalid('dependency', [
        { path, message: `would make a dependency cycle: ${cycle.map(label).join(' depends on ')}` },
      ]);
    }
  }
}

/**
 * Writes a monitor's group and parents (each only when given), after checking that each is the
 * organization's own and that no cycle results: a 400 naming the field otherwise.
 */
export async function linkDependencies(
  tx: TenantDb,
  orgId: string,
  monitorId: string,
  links: MonitorLinks,
): Promise<void> {
  const { groupId, dependsOn } = links;
  if (groupId === undefined && dependsOn === undefined) return;
  const problems: FieldProblem[] = [];
  const group =
    groupId === undefined || groupId === null
      ? null
      : await missingProblem(tx, orgId, 'monitor_groups', [groupId], 'groupId');
  const parents = dependsOn
    ? await missingProblem(tx, orgId, 'monitors', dependsOn.monitorIds, 'dependsOn.monitorIds')
    : null;
  const parentGroups = dependsOn
    ? await missingProblem(tx, orgId, 'monitor_groups', dependsOn.groupIds, 'dependsOn.groupIds')
    : null;
  problems.push(...(group?.problems ?? []), ...(parents?.problems ?? []), ...(parentGroups?.problems ?? []));
  if (parents?.unique.includes(monitorId.toLowerCase())) {
    problems.push({ path: 'dependsOn.monitorIds', message: 'a monitor cannot depend on itself' });
  }
  if (problems.length > 0) throw apiErrors.invalid('monitor', problems);
  if (groupId !== undefined) {
    await tx
      .updateTable('monitors')
      .set({ group_id: group?.unique[0] ?? null })
      .where('org_id', '=', orgId)
      .where('id', '=', monitorId)
      .execute();
  }
  if (parents && parentGroups) {
    await tx
      .deleteFrom('monitor_dependencies')
      .where('org_id', '=', orgId)
      .where('monitor_id', '=', monitorId)
      .execute();
    const rows = [
      ...parents.unique.map((id) => ({ parent_monitor_id: id, parent_group_id: null })),
      ...parentGroups.unique.map((id) => ({ parent_monitor_id: null, parent_group_id: id })),
    ];
    if (rows.length > 0) {
      await tx
        .insertInto('monitor_dependencies')
        .values(rows.map((row) => ({ org_id: orgId, monitor_id: monitorId, ...row })))
        .execute();
    }
  }
  await assertNoCycle(tx, orgId, [`m:${monitorId}`], dependsOn ? 'dependsOn' : 'groupId');
}
