import { isIP } from 'node:net';
import { baseEnvShape, booleanString, parseEnv, secretsKeySchema } from '@sentinelmesh/platform';
import { z } from 'zod';
import { OWASP_SCRYPT_LOG2_N } from './services/passwords';

// proxy-addr's names for well-known ranges, accepted by Fastify's trustProxy.
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * `false`, a hop count, or a comma-separated list of proxy addresses/CIDRs. `true` would trust every
 * hop, letting any client choose its own address (and so its own rate-limit budget): refused.
 */
export const trustProxySchema = z.string().transform((value, ctx): false | number | string[] => {
  const text = value.trim();
  if (text === 'false') return false;
  if (text === 'true') {
    ctx.addIssue({
      code: 'custom',
      message:
        '"true" lets every client choose its own address; set the proxy\'s address or CIDR (e.g. 10.0.0.5 or 10.0.0.0/24), or the number of proxy hops in front of the API (e.g. 1)',
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops >= 1 && hops <= 10) return hops;
    ctx.addIssue({ code: 'custom', message: 'a hop count is from 1 to 10 (or "false")' });
    return z.NEVER;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `not an IP address or CIDR: ${bad.join(', ')} (expected false, a hop count, or addresses/CIDRs)`,
    });
    return z.NEVER;
  }
  return entries;
});

export const apiEnvShape = {
  ...baseEnvShape,
  // 0 asks the OS for a free port (tests and the local launcher).
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  SECRETS_KEY: secretsKeySchema,
  SIGNUP_ENABLED: booleanString.default(true),
  MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1),
  ALLOW_PRIVATE_TARGETS: booleanString.default(false),
  DASHBOARD_ORIGIN: z.string().url().default('http://localhost:3000'),
  // Refresh cookie only over HTTPS; unset: on when NODE_ENV=production (see parseApiEnv).
  COOKIE_SECURE: booleanString.optional(),
  // Mail for account emails (verification, password reset, invitations); unset: the link is logged instead.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('SentinelMesh <accounts@localhost>'),
  // Emails per minute to one address (verification resends, password resets, invitations); 0: no limit.
  MAIL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(3),
  // scrypt cost N = 2^this; 17 is OWASP's recommendation. Only test setups go lower.
  PASSWORD_HASH_LOG2_N: z.coerce.number().int().min(10).max(20).default(OWASP_SCRYPT_LOG2_N),
  // Requests per minute per credential (access token user or API key); 0 turns the limit off.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  // Sign-in requests per minute per client address (failed logins have their own throttle); 0 turns it off.
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  // Quotas per organization (deployment defaults; `pnpm limits` overrides them per organization).
  // 0 = no limit. The defaults keep one free account to a small share of a machine's capacity.
  MAX_MONITORS_PER_ORG: z.coerce.number().int().min(0).default(100),
  MAX_CHECKS_PER_SECOND_PER_ORG: z.coerce.number().min(0).max(1_000_000).default(5),
  MAX_CHANNELS_PER_ORG: z.coerce.number().int().min(0).default(20),
  MAX_TEST_ALERTS_PER_MINUTE: z.coerce.number().int().min(0).default(5),
  MAX_EMAIL_RECIPIENTS_PER_CHANNEL: z.coerce.number().int().min(0).default(10),
  // How long POST /v1/channels/:id/test waits for the notifier's first attempt to report it; 0: no wait.
  // Above the notifier's 10 s delivery timeout, so a receiver that times out is reported as such.
  TEST_ALERT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(15_000),
  // How often this API process refreshes the hourly rollups (plain Postgres only); 0: never.
  ROLLUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  // Days raw check results are kept, on either engine (hourly rollups keep long-range stats after them).
  RESULT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // How often this API process applies the retention; 0: never.
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3600),
  // How often this API process sends the status-page subscriber outbox (milliseconds); 0: never.
  SUBSCRIBER_DELIVERY_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  // The least time between two messages to one status-page subscriber (a burst arrives spaced out).
  SUBSCRIBER_MIN_GAP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  // Messages per status page per minute, over all its subscribers.
  SUBSCRIBER_PAGE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  // How often this API process looks for monthly report emails due (the previous month's, from the 1st,
  // UTC), and once at start; 0: never. Every replica may run it: a unique row per month sends each once.
  REPORT_EMAIL_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  // How often this API process announces maintenance occurrences to status-page subscribers (scheduled,
  // started, completed) and refreshes the pages they change; 0: never. Every replica may run it.
  MAINTENANCE_ANNOUNCE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  // How far ahead each occurrence of a maintenance window is announced to subscribers.
  MAINTENANCE_NOTICE_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  // Which proxy hop in front may name the client (X-Forwarded-For): false, a hop count, or addresses/CIDRs.
  TRUST_PROXY: trustProxySchema.default(false),
  // Bearer token for GET /metrics on the API port; unset: /metrics is not served there (404).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

export type ApiEnv = ReturnType<typeof parseApiEnv>;

/** Parses the API's settings once at start-up; throws an EnvError naming every bad variable. */
export function parseApiEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(apiEnvShape, source);
  // An explicit COOKIE_SECURE (even "false", for http://localhost) always wins.
  return { ...env, COOKIE_SECURE: env.COOKIE_SECURE ?? env.NODE_ENV === 'production' };
}
