import type { ShownState } from '@sentinelmesh/core';
import { componentShownState } from '@sentinelmesh/core';
import type { TenantDb } from '../context';

interface MonitorView {
  id: string;
  name: string;
  uptimePercent: number | null;
  uptime90d: { date: string; uptimePercent: number | null }[];
}

const lowest = (values: (number | null | undefined)[]): number | null => {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : Math.min(...known);
};

/**
 * The page's components in order, each with its monitors (their figures are the stats API's), its
 * state (the worst of theirs) and its bars: per day, the lowest uptime among its monitors with data.
 */
export async function publicComponents(
  db: TenantDb,
  orgId: string,
  pageId: string,
  monitors: MonitorView[],
  shown: Map<string, ShownState>,
) {
  const components = await db
    .selectFrom('status_page_components')
    .select(['id', 'name', 'description'])
    .where('org_id', '=', orgId)
    .where('status_page_id', '=', pageId)
    .orderBy('position')
    .execute();
  if (components.length === 0) return [];
  const links = await db
    .selectFrom('status_page_monitors')
    .select(['monitor_id', 'component_id'])
    .where('org_id', '=', orgId)
    .where('status_page_id', '=', pageId)
    .where('component_id', 'is not', null)
    .execute();
  const componentOf = new Map(links.map((l) => [l.monitor_id, l.component_id]));
  return components.map((c) => {
    const members = monitors
      .filter((m) => componentOf.get(m.id) === c.id)
      .map((m) => ({
        id: m.id,
        name: m.name,
        state: shown.get(m.id) ?? ('pending' as const),
        uptimePercent: m.uptimePercent,
        uptime90d: m.uptime90d,
      }));
    const days = members[0]?.uptime90d.map((d, i) => ({
      date: d.date,
      uptimePercent: lowest(members.map((m) => m.uptime90d[i]?.uptimePercent)),
    }));
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      state: componentShownState(members.map((m) => m.state)),
      uptimePercent: lowest(members.map((m) => m.uptimePercent)),
      uptime90d: days ?? [],
      monitors: members,
    };
  });
}
