import { defaultResultLatenessMs } from '@sentinelmesh/core';
import { DeploymentRegions, runBackgroundApp, SecretBox } from '@sentinelmesh/platform';
import { loadEnv } from './env';
import { createVerifierMetrics } from './metrics';
import { createNotifier } from './notify/notifier';
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
    const verifier = createVerifier({
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
      twilioApiUrl: env.TWILIO_API_URL,
      lockDurationMs: env.JOB_LOCK_MS,
    });
    if (!env.SMTP_URL) logger.warn('SMTP_URL is not set: email channels will report a delivery error');
    verifier.start();
    notifier.start();
    return [
      { name: 'verifier', run: () => verifier.close() },
      { name: 'notifier', run: () => notifier.close() },
      { name: 'regions', run: () => regions.close() },
    ];
  },
});
