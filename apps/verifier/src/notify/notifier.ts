import { type AlertPayload, NOTIFY_QUEUE, type NotifyJob, notifyJobSchema } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { type Logger, queuePrefix, type RedisClient, type SecretBox } from '@sentinelmesh/platform';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import type { ChannelAdapter, DeliveryResult } from '../channels/adapter';
import { createCustomWebhookAdapter } from '../channels/custom-webhook';
import { createDiscordAdapter } from '../channels/discord';
import { createEmailAdapter } from '../channels/email';
import { createGoogleChatAdapter } from '../channels/google-chat';
import { createGotifyAdapter } from '../channels/gotify';
import { createMatrixAdapter } from '../channels/matrix';
import { createMattermostAdapter } from '../channels/mattermost';
import { createNtfyAdapter } from '../channels/ntfy';
import { createOpsgenieAdapter, DEFAULT_OPSGENIE_API_URLS } from '../channels/opsgenie';
import { createPagerDutyAdapter, DEFAULT_PAGERDUTY_EVENTS_URL } from '../channels/pagerduty';
import { createPushoverAdapter, DEFAULT_PUSHOVER_API_URL } from '../channels/pushover';
import { createRocketChatAdapter } from '../channels/rocketchat';
import { createSlackAdapter } from '../channels/slack';
import { createTeamsAdapter } from '../channels/teams';
import { createTelegramAdapter, DEFAULT_TELEGRAM_API_URL } from '../channels/telegram';
import { createTwilioSmsAdapter, DEFAULT_TWILIO_API_URL } from '../channels/twilio-sms';
import { createWebhookAdapter } from '../channels/webhook';
import { createVerifierMetrics, type VerifierMetrics } from '../metrics';
import { QueueSet } from '../queues';
import { VERSION } from '../version';
import { type BreakerOptions, CircuitBreaker } from './circuit-breaker';
import type { NotifyPolicy } from './notify-jobs';
import { handBackAlert, sweepPendingAlerts } from './outbox-sweeper';
import { type AlertStatus, recordAttempt } from './record-attempt';

export interface NotifierOptions {
  db: Db;
  connection: RedisClient;
  prefix: string;
  logger: Logger;
  /** Opens channel secrets sealed with SECRETS_KEY. */
  secretBox: SecretBox;
  allowPrivateTargets: boolean;
  clock?: () => number;
  metrics?: VerifierMetrics;
  concurrency?: number;
  /** Extra or replacement adapters by channel type (one per type of the core registry is built in). */
  adapters?: ChannelAdapter[];
  /** Where alert messages link to (`<dashboardUrl>/monitors/<id>`). */
  dashboardUrl?: string;
  /** The deployment's mail server for email channels; null or absent: email deliveries fail clearly. */
  smtp?: { url: string | null; from: string };
  pagerDutyEventsUrl?: string;
  /** The Telegram Bot API server (default https://api.telegram.org). */
  telegramApiUrl?: string;
  /** The Opsgenie Alert API per account region (default api.opsgenie.com and api.eu.opsgenie.com). */
  opsgenieApiUrls?: { us: string; eu: string };
  /** The Pushover API (default https://api.pushover.net). */
  pushoverApiUrl?: string;
  /** Twilio's REST API for SMS channels (default https://api.twilio.com). */
  twilioApiUrl?: string;
  breaker?: BreakerOptions;
  /** BullMQ lock of a delivery in hand: after a crash, its job is retried once this has passed. */
  lockDurationMs?: number;
  deliveryTimeoutMs?: number;
  /** Overrides of the notification retry policy, for the jobs the sweeper adds again. */
  notifyPolicy?: NotifyPolicy;
  sweepIntervalMs?: number;
  /** A pending alert older than this is considered to have lost its job. */
  sweepAgeMs?: number;
  /** The longest wait between two sweeps of one pending alert (default 5 minutes). */
  sweepMaxDelayMs?: number;
  /** Pending alerts looked at per sweep (default 500). */
  sweepLimit?: number;
}

export type DeliveryOutcome = 'sent' | 'skipped' | 'missing';

/**
 * How an alert is delivered: through its channel, or, for a member an escalation step named, by
 * email to their address (an email channel of one recipient, held back on its own breaker key).
 */
function recipientOf(row: {
  channel_id: string | null;
  type: string | null;
  config: Record<string, unknown> | null;
  secrets: string | null;
  user_id: string | null;
  email: string | null;
}): { channel_id: string; type: string; config: Record<string, unknown>; secrets: string | null } | null {
  if (row.channel_id !== null) {
    return row.type && row.config
      ? { channel_id: row.channel_id, type: row.type, config: row.config, secrets: row.secrets }
      : null;
  }
  if (!row.user_id || !row.email) return null;
  return { channel_id: `member:${row.user_id}`, type: 'email', config: { to: [row.email] }, secrets: null };
}

/** A failed delivery attempt, already in the delivery log. */
class DeliveryError extends Error {}
/** A permanent failure, already in the delivery log. */
class PermanentDeliveryError extends UnrecoverableError {}

/** Notifier: delivers the alert outbox through channel adapters, with retries and a delivery log. */
export function createNotifier(options: NotifierOptions) {
  const { db, connection, prefix, secretBox } = options;
  const logger = options.logger.child({ component: 'notifier' });
  const clock = options.clock ?? Date.now;
  const metrics = options.metrics ?? createVerifierMetrics(new Registry());
  const queues = new QueueSet(connection, prefix, logger);
  const webhook = createWebhookAdapter({
    allowPrivateTargets: options.allowPrivateTargets,
    userAgent: `SentinelMesh/${VERSION}`,
    clock,
    ...(options.deliveryTimeoutMs ? { timeoutMs: options.deliveryTimeoutMs } : {}),
  });
  const dashboardUrl = options.dashboardUrl ?? 'http://localhost:3000';
  const http = {
    allowPrivateTargets: options.allowPrivateTargets,
    userAgent: `SentinelMesh/${VERSION}`,
    dashboardUrl,
    ...(options.deliveryTimeoutMs ? { timeoutMs: options.deliveryTimeoutMs } : {}),
  };
  const builtIn = [
    webhook,
    createSlackAdapter(http),
    createDiscordAdapter(http),
    createPagerDutyAdapter({
      ...http,
      eventsUrl: options.pagerDutyEventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL,
    }),
    createTeamsAdapter(http),
    createTelegramAdapter({ ...http, apiUrl: options.telegramApiUrl ?? DEFAULT_TELEGRAM_API_URL }),
    createOpsgenieAdapter({ ...http, apiUrls: options.opsgenieApiUrls ?? DEFAULT_OPSGENIE_API_URLS }),
    createNtfyAdapter(http),
    createPushoverAdapter({ ...http, apiUrl: options.pushoverApiUrl ?? DEFAULT_PUSHOVER_API_URL }),
    createGotifyAdapter(http),
    createEmailAdapter({
      smtpUrl: options.smtp?.url ?? null,
      from: options.smtp?.from ?? 'SentinelMesh <alerts@localhost>',
      dashboardUrl,
      ...(options.deliveryTimeoutMs ? { timeoutMs: options.deliveryTimeoutMs } : {}),
    }),
    createMatrixAdapter(http),
    createMattermostAdapter(http),
    createRocketChatAdapter(http),
    createGoogleChatAdapter(http),
    createTwilioSmsAdapter({ ...http, apiUrl: options.twilioApiUrl ?? DEFAULT_TWILIO_API_URL }),
    createCustomWebhookAdapter(http),
  ];
  const breaker = new CircuitBreaker({ clock, ...options.breaker });
  const adapters = new Map<string, ChannelAdapter>(builtIn.map((adapter) => [adapter.type, adapter]));
  for (const adapter of options.adapters ?? []) adapters.set(adapter.type, adapter);
  let worker: Worker | null = null;
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> | null = null;

  async function attempt(
    type: string,
    alertId: string,
    payload: AlertPayload,
    channel: {
      config: Record<string, unknown>;
      secrets: string | null;
    },
  ): Promise<DeliveryResult> {
    const adapter = adapters.get(type);
    if (!adapter) {
      return {
        ok: false,
        statusCode: null,
        error: `unsupported channel type: ${type}`,
        durationMs: 0,
        permanent: true,
      };
    }
    let secrets: Record<string, unknown> | null = null;
    try {
      secrets = channel.secrets ? secretBox.open<Record<string, unknown>>(channel.secrets) : null;
    } catch {
      return { ok: false, statusCode: null, error: 'channel secrets cannot be opened', durationMs: 0 };
    }
    return adapter.deliver({ alertId, payload, config: channel.config, secrets });
  }

  async function deliver(job: Job<NotifyJob>, token?: string): Promise<DeliveryOutcome> {
    const parsed = notifyJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError('invalid notify job payload');
    }
    const { orgId, alertId } = parsed.data;
    const log = logger.child({
      alertId,
      jobId: job.id,
      ...(parsed.data.requestId ? { requestId: parsed.data.requestId } : {}),
    });
    const row = await db
      .selectFrom('alerts as a')
      .leftJoin('channels as c', (join) =>
        join.onRef('c.id', '=', 'a.channel_id').onRef('c.org_id', '=', 'a.org_id'),
      )
      .leftJoin('users as u', 'u.id', 'a.recipient_user_id')
      .select([
        'a.status',
        'a.payload',
        'a.channel_id',
        'c.type',
        'c.config',
        'c.secrets',
        'u.id as user_id',
        'u.email',
      ])
      .where('a.id', '=', alertId)
      .where('a.org_id', '=', orgId)
      .executeTakeFirst();
    const alert = row ? recipientOf(row) : null;
    if (!row || !alert) {
      log.warn('alert or its recipient no longer exists; nothing to deliver');
      return 'missing';
    }
    if (row.status !== 'pending') return 'skipped';

    const waitMs = breaker.waitMs(alert.channel_id);
    if (waitMs > 0) {
      // The channel's receiver keeps failing, or asked to wait: postpone without using up an attempt.
      log.debug({ channelId: alert.channel_id, waitMs }, 'channel held back; delivery postponed');
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    }
    const attemptedAtMs = clock();
    const result = await attempt(alert.type, alertId, row.payload, alert);
    // A receiver's rate limit holds the channel back, postponing its next deliveries, not failing them.
    if (result.retryAfterMs) breaker.holdOff(alert.channel_id, result.retryAfterMs);
    if (!result.permanent && breaker.record(alert.channel_id, result.ok)) {
      metrics.breakerOpen.inc({ channel_type: alert.type });
      log.warn({ channelId: alert.channel_id }, 'channel circuit opened after repeated failures');
    }
    const exhausted = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const status: AlertStatus = result.ok ? 'sent' : result.permanent || exhausted ? 'failed' : 'pending';
    await recordAttempt(db, { orgId, alertId, attemptedAtMs, result, status });
    metrics.deliveries.inc({ outcome: status === 'pending' ? 'retry' : status, channel_type: alert.type });
    const fields = {
      channelId: alert.channel_id,
      attempt: job.attemptsMade + 1,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
    };
    if (result.ok) {
      log.info(fields, 'alert delivered');
      return 'sent';
    }
    if (status === 'failed') {
      // Dead letter: the alert stays `failed` with its attempts in the delivery log; nothing retries it.
      log.error({ ...fields, status }, 'alert delivery given up');
    } else {
      log.warn({ ...fields, status }, 'alert delivery failed; will retry');
    }
    if (result.permanent) throw new PermanentDeliveryError(result.error ?? 'delivery failed');
    throw new DeliveryError(result.error ?? 'delivery failed');
  }

  async function sweep(): Promise<number> {
    const { lost, handedBack } = await sweepPendingAlerts(db, queues, {
      olderThanMs: options.sweepAgeMs ?? 30_000,
      ...(options.sweepMaxDelayMs ? { maxDelayMs: options.sweepMaxDelayMs } : {}),
      ...(options.sweepLimit ? { limit: options.sweepLimit } : {}),
      ...(options.notifyPolicy ? { policy: options.notifyPolicy } : {}),
    });
    if (lost > 0) metrics.alertsSwept.inc({ reason: 'lost' }, lost);
    if (handedBack > 0) metrics.alertsSwept.inc({ reason: 'gave_up' }, handedBack);
    if (lost + handedBack > 0) logger.info({ lost, handedBack }, 'pending alerts re-enqueued');
    return lost + handedBack;
  }

  /**
   * A job that ends without an outcome in the delivery log (Postgres unreachable through every
   * retry, an unexpected error) leaves its alert pending: the next sweep takes it, whatever its schedule.
   */
  function onFailed(job: Job<NotifyJob> | undefined, error: Error) {
    // `finishedOn` is set only when the job will not be retried.
    if (!job?.finishedOn || error instanceof DeliveryError || error instanceof PermanentDeliveryError) return;
    const parsed = notifyJobSchema.safeParse(job.data);
    if (!parsed.success) return;
    const { orgId, alertId } = parsed.data;
    logger.warn({ alertId, jobId: job.id, err: error }, 'notification job gave up without an outcome');
    handBackAlert(db, { orgId, alertId }).catch((handBackError: unknown) =>
      logger.warn({ alertId, err: handBackError }, 'could not hand the alert back; the sweeper will find it'),
    );
  }

  function runSweep() {
    if (sweeping) return;
    sweeping = sweep()
      .catch((error: unknown) => logger.error({ err: error }, 'outbox sweep failed'))
      .finally(() => {
        sweeping = null;
      });
  }

  return {
    sweep,
    start() {
      if (worker) return;
      worker = new Worker(NOTIFY_QUEUE, deliver, {
        connection,
        prefix: queuePrefix(connection, prefix, NOTIFY_QUEUE),
        concurrency: options.concurrency ?? 16,
        ...(options.lockDurationMs
          ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }
          : {}),
      });
      worker.on('error', (error) => logger.error({ err: error }, 'notify worker error'));
      worker.on('failed', onFailed);
      timer = setInterval(runSweep, options.sweepIntervalMs ?? 10_000);
    },
    /** Stops taking jobs, finishes the deliveries in hand, then closes what it opened. */
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await worker?.close();
      worker = null;
      await sweeping;
      await queues.close();
      await Promise.all(builtIn.map((adapter) => adapter.close()));
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
