import { Counter, Gauge, type Registry } from 'prom-client';

export interface VerifierMetrics {
  verdicts: Counter<'ok'>;
  transitions: Counter<'to'>;
  heldResults: Counter;
  confirmationsRequested: Counter;
  alertsCreated: Counter<'event'>;
  deliveries: Counter<'outcome' | 'channel_type'>;
  alertsSwept: Counter<'reason'>;
  probeProblems: Counter<'region'>;
  breakerOpen: Counter<'channel_type'>;
  resultsLate: Counter<'region'>;
  slotsInconclusive: Counter;
  regionDegraded: Counter<'region'>;
  verificationsRequeued: Counter;
  regionsDegraded: Gauge<'region'>;
}

/** The verifier's and notifier's counters, registered on `registry`. */
export function createVerifierMetrics(registry: Registry): VerifierMetrics {
  const registers = [registry];
  return {
    verdicts: new Counter({
      name: 'sentinel_verdicts_total',
      help: 'Slot verdicts fed to the state machine',
      labelNames: ['ok'],
      registers,
    }),
    transitions: new Counter({
      name: 'sentinel_transitions_total',
      help: 'Monitor state transitions',
      labelNames: ['to'],
      registers,
    }),
    heldResults: new Counter({
      name: 'sentinel_results_held_total',
      help: 'Results held back behind an awaited confirmation (counted per verification run)',
      registers,
    }),
    confirmationsRequested: new Counter({
      name: 'sentinel_confirmations_requested_total',
      help: 'Confirmation re-checks requested',
      registers,
    }),
    alertsCreated: new Counter({
      name: 'sentinel_alerts_created_total',
      help: 'Alert rows written to the outbox',
      labelNames: ['event'],
      registers,
    }),
    deliveries: new Counter({
      name: 'sentinel_alert_deliveries_total',
      help: 'Alert delivery attempts by outcome (sent, retry, failed)',
      labelNames: ['outcome', 'channel_type'],
      registers,
    }),
    alertsSwept: new Counter({
      name: 'sentinel_alerts_swept_total',
      help: 'Pending alerts whose notification job the outbox sweeper added again, by reason (lost: no job; gave_up: the job ended without recording an outcome)',
      labelNames: ['reason'],
      registers,
    }),
    probeProblems: new Counter({
      name: 'sentinel_probe_problems_total',
      help: 'Good verdicts in which a region failed alone (a probe problem, not an outage), by failing region',
      labelNames: ['region'],
      registers,
    }),
    breakerOpen: new Counter({
      name: 'sentinel_channel_breaker_open_total',
      help: 'Times a channel circuit breaker opened after repeated delivery failures',
      labelNames: ['channel_type'],
      registers,
    }),
    resultsLate: new Counter({
      name: 'sentinel_results_late_total',
      help: 'Results that arrived after their slot was judged without them: counted late, never judged',
      labelNames: ['region'],
      registers,
    }),
    slotsInconclusive: new Counter({
      name: 'sentinel_slots_inconclusive_total',
      help: 'Slots decided while a live expected region was still missing: no verdict',
      registers,
    }),
    regionDegraded: new Counter({
      name: 'sentinel_region_degraded_total',
      help: 'Region-degraded notices written (one per organization per region outage)',
      labelNames: ['region'],
      registers,
    }),
    verificationsRequeued: new Counter({
      name: 'sentinel_verifications_requeued_total',
      help: 'Monitors of a verify batch job whose verification failed and was queued again alone',
      registers,
    }),
    regionsDegraded: new Gauge({
      name: 'sentinel_regions_degraded',
      help: 'Whether a region is degraded for any organization (1) or not (0)',
      labelNames: ['region'],
      registers,
    }),
  };
}
