import type { Db } from '@sentinelmesh/db';
import type { Logger, RedisClient } from '@sentinelmesh/platform';
import { Registry } from 'prom-client';
import { createVerifierMetrics, type VerifierMetrics } from '../metrics';
import { enqueueNotifications, type NotifyPolicy } from '../notify/notify-jobs';
import { QueueSet } from '../queues';
import { type EscalationSweep, sweepEscalations } from './escalation-sweeper';
import type { OncallSettings } from './settings';

export interface EscalatorOptions {
  db: Db;
  connection: RedisClient;
  prefix: string;
  logger: Logger;
  oncall: OncallSettings;
  metrics?: VerifierMetrics;
  /** How often due steps and reminders are looked for (ESCALATION_SWEEP_MS). */
  intervalMs?: number;
  notifyPolicy?: NotifyPolicy;
}

/**
 * Escalator: on a timer, fires the escalation steps and reminders that are due (sweepEscalations),
 * then queues their notifications. Queuing happens after the commit; should it fail, the outbox
 * sweeper queues them.
 */
export function createEscalator(options: EscalatorOptions) {
  const logger = options.logger.child({ component: 'escalator' });
  const metrics = options.metrics ?? createVerifierMetrics(new Registry());
  const queues = new QueueSet(options.connection, options.prefix, logger);
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> | null = null;

  async function sweep(): Promise<EscalationSweep> {
    const outcome = await sweepEscalations(options.db, options.oncall);
    for (const alert of outcome.alerts) metrics.alertsCreated.inc({ event: alert.event });
    if (outcome.steps + outcome.reminders > 0) {
      logger.info(
        { steps: outcome.steps, reminders: outcome.reminders, alerts: outcome.alerts.length },
        'escalation steps and reminders fired',
      );
    }
    await enqueueNotifications(queues, outcome.alerts, options.notifyPolicy);
    return outcome;
  }

  function runSweep() {
    if (sweeping) return;
    sweeping = sweep()
      .catch((error: unknown) => logger.error({ err: error }, 'escalation sweep failed'))
      .finally(() => {
        sweeping = null;
      });
  }

  return {
    sweep,
    start() {
      if (timer) return;
      timer = setInterval(runSweep, options.intervalMs ?? 5_000);
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await sweeping;
      await queues.close();
    },
  };
}

export type Escalator = ReturnType<typeof createEscalator>;
