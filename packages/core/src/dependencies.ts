import { z } from 'zod';
import type { MonitorStatus } from './schemas/monitor';

/** The most parents one monitor may list, of each kind. */
export const MAX_PARENTS = 50;

const id = z.string().min(1).max(64);

/** A monitor's parents as the API takes them: monitors and groups of the same organization. */
export const dependsOnSchema = z.strictObject({
  monitorIds: z.array(id).max(MAX_PARENTS).default([]),
  groupIds: z.array(id).max(MAX_PARENTS).default([]),
});
export type DependsOn = z.output<typeof dependsOnSchema>;

/** Body of POST /v1/monitor-groups. */
export const createMonitorGroupSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  alertAsOne: z.boolean().default(false),
  monitorIds: z.array(id).max(1000).optional().describe('members; each leaves the group it was in'),
});
export type CreateMonitorGroup = z.output<typeof createMonitorGroupSchema>;

/** Body of PATCH /v1/monitor-groups/:id: any subset; `monitorIds` replaces the member list. */
export const updateMonitorGroupSchema = createMonitorGroupSchema
  .extend({ alertAsOne: z.boolean() })
  .partial();
export type UpdateMonitorGroup = z.output<typeof updateMonitorGroupSchema>;

/** A monitor counts as down for its dependants and its group while it is down or flapping. */
export const isDownStatus = (status: MonitorStatus | null | undefined): boolean =>
  status === 'down' || status === 'flapping';

/** One parent as the verifier sees it: a monitor, or a group that is down while any member is. */
export interface ParentState {
  name: string;
  down: boolean;
}

/** Why a monitor's alerts are held: the first parent down (by name), or null when none is. */
export function suppressionReason(parents: readonly ParentState[]): string | null {
  const down = parents.filter((p) => p.down).sort((a, b) => a.name.localeCompare(b.name));
  const first = down[0];
  return first ? `parent "${first.name}" is down` : null;
}

/** A node of the dependency graph: `m:<monitor id>` or `g:<group id>`. */
export type DependencyNode = `m:${string}` | `g:${string}`;

/**
 * The first cycle reachable from `start`, as its nodes in order (the first repeated at the end),
 * or null. Edges go from a monitor to its parents, and from a group to its members: a monitor
 * depending on its own group, directly or through others, is a cycle too.
 */
export function findDependencyCycle(
  edges: ReadonlyMap<DependencyNode, readonly DependencyNode[]>,
  start: DependencyNode,
): DependencyNode[] | null {
  const path: DependencyNode[] = [];
  const onPath = new Set<DependencyNode>();
  const done = new Set<DependencyNode>();
  const visit = (node: DependencyNode): DependencyNode[] | null => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return null;
    onPath.add(node);
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return null;
  };
  return visit(start);
}
