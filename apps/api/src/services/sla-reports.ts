import { apiErrors } from '../errors';
import { buildGroupReport, type GroupScope, type GroupSlaReport } from '../reports/group';
import { buildSlaReport, type SlaReport } from '../reports/sla';
import { assembleStats } from '../stats/assemble';
import { groupAvailability } from '../stats/intervals';
import { addTo, type Histogram, percentile } from '../stats/latency-buckets';
import { bucketRows, monitorStats, resolveRange, type StatsContext, type StatsRange } from './stats';
import { factsMonitors, uptimeFacts } from './uptime-facts';

type Named = { id: string; name: string };

/** A monitor's SLA report: the stats API's own computation for the range, plus its incidents' durations. */
export async function monitorReport(
  ctx: StatsContext,
  input: { monitorId: string; range: StatsRange },
): Promise<SlaReport> {
  const stats = await monitorStats(ctx, { monitorId: input.monitorId, range: input.range });
  const monitor = await ctx.db
    .selectFrom('monitors')
    .select(['id', 'name'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', input.monitorId)
    .executeTakeFirstOrThrow();
  return buildSlaReport(monitor, stats);
}

/**
 * The SLA report of a group of monitors. Each monitor's line is what the stats API answers for it over
 * the range; the group's uptime is time-weighted (down while any of its monitors is down, outside that
 * monitor's maintenance) and its percentiles are over all its scheduled checks together.
 */
async function groupReport(
  ctx: StatsContext,
  input: { scope: GroupScope; subject: Named; monitors: Named[]; range: StatsRange },
): Promise<GroupSlaReport> {
  const { db, orgId } = ctx;
  const { window, from, to, spec } = resolveRange(input.range, ctx.clock.now().getTime());
  const facts = await uptimeFacts(
    db,
    orgId,
    await factsMonitors(
      db,
      orgId,
      input.monitors.map((m) => m.id),
    ),
    from,
    to,
  );
  const overall: Histogram = new Map();
  const reports: SlaReport[] = [];
  // One monitor after another: a transaction is a single connection.
  for (const monitor of input.monitors) {
    const own = facts.get(monitor.id);
    if (!own) continue;
    const rows = await bucketRows(db, orgId, monitor.id, {
      from,
      to,
      stepMs: spec.stepMs,
      rollups: spec.rollups,
    });
    for (const row of rows) addTo(overall, row.bucket, row.checks);
    const stats = assembleStats({
      window,
      from,
      to,
      stepMs: spec.stepMs,
      rows,
      facts: own.facts,
      incidents: own.incidents,
      points: null,
    });
    reports.push(buildSlaReport(monitor, stats));
  }
  return buildGroupReport({
    scope: input.scope,
    subject: input.subject,
    range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    availability: groupAvailability(
      [...facts.values()].map((f) => f.facts),
      from,
      to,
    ),
    latencyMs: { p50: percentile(overall, 50), p95: percentile(overall, 95), p99: percentile(overall, 99) },
    monitors: reports,
  });
}

/** A status page component's report over the monitors shown under it; 404 when the page has no such component. */
export async function componentReport(
  ctx: StatsContext,
  input: { statusPageId: string; componentId: string; range: StatsRange },
): Promise<GroupSlaReport> {
  const component = await ctx.db
    .selectFrom('status_page_components')
    .select(['id', 'name'])
    .where('org_id', '=', ctx.orgId)
    .where('status_page_id', '=', input.statusPageId)
    .where('id', '=', input.componentId)
    .executeTakeFirst();
  if (!component) throw apiErrors.notFound('component');
  const monitors = await ctx.db
    .selectFrom('status_page_monitors as sp')
    .innerJoin('monitors as m', 'm.id', 'sp.monitor_id')
    .select(['m.id', 'm.name'])
    .where('sp.org_id', '=', ctx.orgId)
    .where('sp.component_id', '=', component.id)
    .orderBy('sp.position')
    .orderBy('m.id')
    .execute();
  return groupReport(ctx, { scope: 'component', subject: component, monitors, range: input.range });
}

/** The organization's report over all its monitors, or the chosen ones (404 for one it does not have). */
export async function organizationReport(
  ctx: StatsContext,
  input: { monitorIds?: string[] | undefined; range: StatsRange },
): Promise<GroupSlaReport> {
  const organization = await ctx.db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('id', '=', ctx.orgId)
    .executeTakeFirstOrThrow();
  let query = ctx.db.selectFrom('monitors').select(['id', 'name']).where('org_id', '=', ctx.orgId);
  const chosen = input.monitorIds ? [...new Set(input.monitorIds)] : undefined;
  if (chosen?.length) query = query.where('id', 'in', chosen);
  const monitors = await query.orderBy('name').orderBy('id').execute();
  if (chosen && monitors.length !== chosen.length) throw apiErrors.notFound('monitor');
  return groupReport(ctx, { scope: 'organization', subject: organization, monitors, range: input.range });
}

/** The components of the organization's status pages, to report on: page by page, in page order. */
export async function reportableComponents(ctx: StatsContext) {
  const rows = await ctx.db
    .selectFrom('status_page_components as c')
    .innerJoin('status_pages as p', 'p.id', 'c.status_page_id')
    .select([
      'c.id',
      'c.name',
      'c.status_page_id',
      'p.title',
      (eb) =>
        eb
          .selectFrom('status_page_monitors as sp')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('sp.component_id', '=', 'c.id')
          .where('sp.org_id', '=', ctx.orgId)
          .as('monitors'),
    ])
    .where('c.org_id', '=', ctx.orgId)
    .orderBy('p.title')
    .orderBy('c.position')
    .orderBy('c.id')
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      name: row.name,
      statusPageId: row.status_page_id,
      statusPage: row.title,
      monitors: Number(row.monitors ?? 0),
    })),
  };
}
