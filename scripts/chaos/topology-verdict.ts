import type { TopologyReport } from './topology';

/** The topology scenario's promises, each with what was seen; an empty list means every one held. */
export function topologyBroken(report: TopologyReport): string[] {
  const broken: string[] = [];
  const [steady, faulty] = report.regions;
  if (report.falseAlerts.length > 0)
    broken.push(`${report.falseAlerts.length} down alerts from single-region blips`);
  for (const o of report.outages) {
    if (o.downs !== 1 || o.ups !== 1) {
      broken.push(
        `outage ${o.index} (t+${o.startOffset}s..t+${o.endOffset}s${o.regionOut ? `, ${faulty} out` : ''}) alerted ${o.downs} down / ${o.ups} up (goal 1 / 1)`,
      );
    }
    if (o.regionOut && o.downs > 0 && !o.cause?.includes(faulty)) {
      broken.push(
        `the outage seen by ${steady} alone has a cause that does not name ${faulty}: "${o.cause}"`,
      );
    }
  }
  if (report.alerts.duplicateTransitions.length > 0)
    broken.push(`transitions alerted under two alert ids: ${report.alerts.duplicateTransitions.join(', ')}`);
  if (report.alerts.notAlternating.length > 0)
    broken.push(`down/up notices out of order: ${report.alerts.notAlternating.join('; ')}`);
  if (!report.caughtUp) broken.push('the verifier did not consume every result up to the end of the chaos');
  if (report.countedLate === null) broken.push('the verifier exports no sentinel_results_late_total');
  for (const [region, a] of Object.entries(report.arrivals)) {
    const counted = report.countedLate?.[region] ?? 0;
    if (counted < a.afterPassed) {
      broken.push(
        `${a.afterPassed} ${region} results landed after their slot was consumed, ${counted} counted late`,
      );
    }
    if (a.afterPassedNotRecorded) {
      broken.push(
        `${a.afterPassedNotRecorded} ${region} results landed after their slot was consumed and are not in late_results`,
      );
    }
  }
  if (report.lateRows !== null) {
    for (const region of new Set([
      ...Object.keys(report.lateRows),
      ...Object.keys(report.countedLate ?? {}),
    ])) {
      const counted = report.countedLate?.[region] ?? 0;
      const rows = report.lateRows[region] ?? 0;
      if (counted !== rows)
        broken.push(
          `sentinel_results_late_total{region="${region}"} is ${counted}, late_results holds ${rows}`,
        );
    }
  }
  if (report.notices === null) broken.push('no region_notices table');
  const notices = report.notices ?? {};
  for (const region of report.regions) {
    const goal = region === faulty ? 1 : 0;
    const degraded = notices[`${region} region.degraded`] ?? 0;
    const restored = notices[`${region} region.restored`] ?? 0;
    if (degraded !== goal || restored !== goal) {
      broken.push(`${region}: ${degraded} degraded / ${restored} restored notices (goal ${goal} / ${goal})`);
    }
    const metric = report.degradedMetric?.[region] ?? 0;
    if (metric !== goal)
      broken.push(`sentinel_region_degraded_total{region="${region}"} is ${metric} (goal ${goal})`);
  }
  return broken;
}

export function topologySummary(report: TopologyReport): string {
  const { alerts } = report;
  const late = Object.entries(report.arrivals).map(
    ([region, a]) =>
      `${region}: ${a.results} results, ${a.afterPassed} landed after their slot was consumed (up to ${a.maxAfterPassedSeconds.toFixed(1)} s after), ${report.countedLate?.[region] ?? 'none'} counted late${a.recordedLate === null ? '' : ` (${a.recordedLate} in late_results; ${a.afterPassedNotRecorded} of those landed after missing from it)`}`,
  );
  return [
    `outages: ${report.outages.map((o) => `#${o.index} t+${o.startOffset}s${o.regionOut ? ` (${report.regions[1]} out)` : ''} ${o.downs} down / ${o.ups} up${o.cause ? ` "${o.cause}"` : ''}`).join('; ')}`,
    `blips: ${report.blips.served} single-region failures served (${JSON.stringify(report.blips.byRegion)}); ${report.falseAlerts.length} down alerts from them`,
    `results: ${late.join('; ')}; consumed through the end: ${report.caughtUp ? 'yes' : 'no'}`,
    `late: sentinel_results_late_total ${JSON.stringify(report.countedLate)}, late_results rows ${JSON.stringify(report.lateRows)} (read as one pair)`,
    `clock: scheduled results stamped before their slot ${
      Object.entries(report.checkedEarly)
        .map(([region, e]) => `${region}: ${e.n} (up to ${e.maxMs} ms before)`)
        .join(', ') || 'none'
    }`,
    `reordered writes: ${report.reordered.total} (${report.reordered.afterPause} landing in the 10 s after the Postgres pause)`,
    `region notices: ${report.notices ? JSON.stringify(report.notices) : 'no table'}; sentinel_region_degraded_total ${report.degradedMetric ? JSON.stringify(report.degradedMetric) : 'not exported'}`,
    `alerts: ${alerts.deliveries} deliveries of ${alerts.distinctAlerts} alerts; ${alerts.duplicateTransitions.length} transitions with two alert ids; ${alerts.notAlternating.length} monitors out of order; stored: ${report.stored.incidents} incidents, alerts ${JSON.stringify(report.stored.alerts)}`,
    ...report.falseAlerts.map((f) => `false alert: ${f}`),
    ...report.outages
      .filter((o) => o.timeline !== null)
      .map((o) => `outage ${o.index} t+${o.startOffset}s..t+${o.endOffset}s:\n  ${o.timeline}`),
    `faults: ${report.events.filter((e) => e.includes('SIG')).length} (${report.events.filter((e) => e.includes('SIG')).join('; ')})`,
  ].join('\n');
}
