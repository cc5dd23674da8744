import { baseEnvShape, booleanString, EnvError, parseEnv, secretsKeySchema } from '@sentinelmesh/platform';
import { z } from 'zod';

export const verifierEnvShape = {
  ...baseEnvShape,
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(3013),
  HOST: z.string().min(1).default('127.0.0.1'),
  SECRETS_KEY: secretsKeySchema,
  DASHBOARD_URL: z.string().url().default('http://localhost:3000'),
  ALLOW_PRIVATE_TARGETS: booleanString.default(false),
  /** Mail server for email channels, `smtp://user:pass@host:port`; unset: email deliveries fail clearly. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('SentinelMesh <alerts@localhost>'),
  PAGERDUTY_EVENTS_URL: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
  TELEGRAM_API_URL: z.string().url().default('https://api.telegram.org'),
  OPSGENIE_API_URL: z.string().url().default('https://api.opsgenie.com'),
  OPSGENIE_EU_API_URL: z.string().url().default('https://api.eu.opsgenie.com'),
  PUSHOVER_API_URL: z.string().url().default('https://api.pushover.net'),
  /** Twilio's REST API, for SMS channels. */
  TWILIO_API_URL: z.string().url().default('https://api.twilio.com'),
  /**
   * How long a job in hand stays locked (renewed while it runs); after a crash, its job runs again
   * once this has passed, and the monitor's next verifications wait behind it until then.
   */
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  /**
   * How late past its timeout a check's result may arrive and still be judged in slot order; unset:
   * two job locks plus 5 s (a job held by a dead worker runs again within two lock periods).
   */
  RESULT_LATENESS_MS: z.coerce.number().int().min(1_000).max(3_600_000).optional(),
  /**
   * One minute of escalation policies (step waits, reminders), in milliseconds. Tests shorten it to
   * seconds; with NODE_ENV=production anything below 60000 is refused.
   */
  ONCALL_MINUTE_MS: z.coerce.number().int().min(100).max(60_000).default(60_000),
  /** How often due escalation steps and reminders are looked for. */
  ESCALATION_SWEEP_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  /**
   * Where acknowledge links point: the API as reached from outside, before `/v1/ack/<token>`;
   * unset: the dashboard's `/api` (which forwards to the API).
   */
  ACK_LINK_BASE_URL: z.string().url().optional(),
};

export type VerifierEnv = ReturnType<typeof loadEnv>;

/** The verifier's settings, parsed once at start-up; throws an EnvError naming every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(verifierEnvShape, source);
  if (env.NODE_ENV === 'production' && env.ONCALL_MINUTE_MS < 60_000) {
    throw new EnvError('ONCALL_MINUTE_MS: a minute is 60000 ms in production (shorter only for tests)');
  }
  return env;
}
