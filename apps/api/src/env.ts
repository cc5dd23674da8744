import { baseEnvShape, booleanString, parseEnv, secretsKeySchema } from '@sentinelmesh/platform';
import { z } from 'zod';
import { OWASP_SCRYPT_LOG2_N } from './services/passwords';

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
  // Login and signup attempts per minute per client address, and logins per account; 0 turns them off.
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  MAX_MONITORS_PER_ORG: z.coerce.number().int().min(0).default(0),
  // How often this API process refreshes the hourly rollups (plain Postgres only); 0: never.
  ROLLUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  // Days raw check results are kept, on either engine (hourly rollups keep long-range stats after them).
  RESULT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // How often this API process applies the retention; 0: never.
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3600),
  // Trust X-Forwarded-For from a proxy in front (the client address limits are keyed by).
  TRUST_PROXY: booleanString.default(false),
};

export type ApiEnv = ReturnType<typeof parseApiEnv>;

/** Parses the API's settings once at start-up; throws an EnvError naming every bad variable. */
export function parseApiEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(apiEnvShape, source);
  // An explicit COOKIE_SECURE (even "false", for http://localhost) always wins.
  return { ...env, COOKIE_SECURE: env.COOKIE_SECURE ?? env.NODE_ENV === 'production' };
}
