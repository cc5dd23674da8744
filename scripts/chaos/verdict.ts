import type { ChaosOptions, ChaosReport } from './run';

/** The chaos suite's promises, each with what was seen; an empty list means every one held. */
export function brokenPromises(report: ChaosReport, opts: Pick<ChaosOptions, 'intervalSeconds'>): string[] {
  const broken: string[] = [];
  const { coverage, alerts, outages } = report;
  if (coverage.duplicates > 0) broken.push(`${coverage.duplicates} slots have two results`);
  if (coverage.share < 0.97)
    broken.push(`only ${(coverage.share * 100).toFixed(2)}% of slots have a result (goal 97%)`);
  // A transition announced under two alert ids would page twice; the same id delivered again after
  // a crash mid-delivery is at-least-once delivery, which receivers dedupe by Idempotency-Key.
  if (alerts.duplicateTransitions.length > 0) {
    broken.push(`transitions alerted under two alert ids: ${alerts.duplicateTransitions.join(', ')}`);
  }
  if (alerts.notAlternating.length > 0)
    broken.push(`down/up notices out of order: ${alerts.notAlternating.join('; ')}`);
  // Every outage that each region saw on time pages. One that a region only checked late (its
  // worker killed through it) was seen by no quorum and may not page; the run must still have seen most.
  const observed = outages.scripted - outages.unobserved;
  if (outages.alerted < observed) {
    broken.push(`only ${outages.alerted} of ${observed} outages seen by every region alerted (goal: all)`);
  }
  if (observed < 0.5 * outages.scripted) {
    broken.push(
      `only ${observed} of ${outages.scripted} outages were seen on time by every region (goal 50%)`,
    );
  }
  const leaseSeconds = 10;
  // Others take a dead scheduler's shards once its leases expire, at their next rebalance (a third of it).
  if (report.failover && report.failover.movedAfterSeconds > leaseSeconds * (4 / 3) + 1) {
    broken.push(
      `the killed scheduler's shards took ${report.failover.movedAfterSeconds.toFixed(1)} s to move`,
    );
  }
  const slack = 5;
  if (coverage.maxGapSeconds > opts.intervalSeconds + leaseSeconds + slack) {
    broken.push(`a monitor went ${coverage.maxGapSeconds.toFixed(1)} s without a scheduled result`);
  }
  return broken;
}

export function summary(report: ChaosReport): string {
  const { coverage, alerts, outages } = report;
  return [
    `slots: ${coverage.present}/${coverage.expected} have a result (${(coverage.share * 100).toFixed(2)}%), ${coverage.duplicates} with two, widest gap ${coverage.maxGapSeconds.toFixed(1)} s; missing ${JSON.stringify(coverage.missing)}`,
    `alerts: ${alerts.deliveries} deliveries of ${alerts.distinctAlerts} alerts; ${alerts.duplicateTransitions.length} transitions with two alert ids; ${alerts.redelivered.length} alert ids delivered again after a crash (same Idempotency-Key); ${alerts.notAlternating.length} monitors out of order`,
    `outages: ${outages.alerted} of ${outages.scripted} scripted outages alerted, ${outages.unobserved} seen on time by no quorum of regions; stored: ${report.stored.incidents} incidents, alerts ${JSON.stringify(report.stored.alerts)}`,
    ...(report.failover
      ? [
          `failover: the killed scheduler's ${report.failover.shards} shards held by others after ${report.failover.movedAfterSeconds.toFixed(1)} s`,
        ]
      : []),
    ...report.unalerted.map((u) => `not alerted: ${u}`),
    ...report.unobserved.map((u) => `not seen by a quorum: ${u}`),
    `faults: ${report.events.filter((e) => e.includes('SIG')).length} (${report.events.filter((e) => e.includes('SIG')).join('; ')})`,
  ].join('\n');
}
