import { defaultResultLatenessMs } from '@sentinelmesh/core';
import { AckLinks, DeploymentRegions, runBackgroundApp, SecretBox } from '@sentinelmesh/platform';
import { loadEnv } from './env';
import { createVerifierMetrics } from './metrics';
import { createNotifier } from './notify/notifier';
import { createEscalator } from './oncall/escalator';
import { createVerifier } from './verifier';

runBackgroundApp({
  name: 'verifier',
  loadEnv,
  poolSize: 20,
  start: async ({ env, logger, db, redis, registry }) => {
    const metrics = createVerifierMetrics(registry);
    const common = { db, connection: redis, prefix: env.QUEUE_PREFIX, logger, metrics };
    const regions = new DeploymentRegions({ db, fixed: env.REGIONS, logger });
    await regions.start();
    const oncall = {
      minuteMs: env.ONCALL_MINUTE_MS,
      ackLinks: new AckLinks(env.SECRETS_KEY),
      ackBaseUrl: env.ACK_LINK_BASE_URL ?? `${env.DASHBOARD_URL.replace(/\/+$/, '')}/api`,
    };
    const verifier = createVerifier({
      oncall,
      ...common,
      regions,
      lockDurationMs: env.JOB_LOCK_MS,
      resultLatenessMs: env.RESULT_LATENESS_MS ?? defaultResultLatenessMs(env.JOB_LOCK_MS),
    });
    const notifier = createNotifier({
      ...common,
      secretBox: new SecretBox(env.SECRETS_KEY),
      allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS,
      dashboardUrl: env.DASHBOARD_URL,
      smtp: { url: env.SMTP_URL ?? null, from: env.SMTP_FROM },
      pagerDutyEventsUrl: env.PAGERDUTY_EVENTS_URL,
      telegramApiUrl: env.TELEGRAM_API_URL,
      opsgenieApiUrls: { us: env.OPSGENIE_API_URL, eu: env.OPSGENIE_EU_API_URL },
      pushoverApiUrl: env.PUSHOVER_API_URL,
      twilioApiUrl: env.TWILIO_API_URL,
      lockDurationMs: env.JOB_LOCK_MS,
    });
    if (!env.SMTP_URL) logger.warn('SMTP_URL is not set: email channels will report a delivery error');
    const escalator = createEscalator({ ...common, oncall, intervalMs: env.ESCALATION_SWEEP_MS });
    verifier.start();
    notifier.start();
    escalator.start();
    return [
      { name: 'verifier', run: () => verifier.close() },
      { name: 'escalator', run: () => escalator.close() },
      { name: 'notifier', run: () => notifier.close() },
      { name: 'regions', run: () => regions.close() },
    ];
  },
});
