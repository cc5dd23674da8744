import type { Db } from '@sentinelmesh/db';
import type { Logger, RedisClient, SecretBox } from '@sentinelmesh/platform';
import type { ApiEnv } from './env';
import type { Mailer } from './services/mailer';
import type { PasswordHasher } from './services/passwords';

export interface Clock {
  now(): Date;
}

/** The settings the API reads (a parsed ApiEnv, or a test's own object of the same shape). */
export type ApiConfig = Pick<
  ApiEnv,
  | 'QUEUE_PREFIX'
  | 'REGIONS'
  | 'JWT_SECRET'
  | 'SECRETS_KEY'
  | 'SIGNUP_ENABLED'
  | 'MIN_INTERVAL_SECONDS'
  | 'ALLOW_PRIVATE_TARGETS'
  | 'COOKIE_SECURE'
  | 'DASHBOARD_ORIGIN'
  | 'RATE_LIMIT_PER_MINUTE'
  | 'AUTH_RATE_LIMIT_PER_MINUTE'
  | 'MAX_MONITORS_PER_ORG'
  | 'MAX_CHECKS_PER_SECOND_PER_ORG'
  | 'MAX_CHANNELS_PER_ORG'
  | 'MAX_TEST_ALERTS_PER_MINUTE'
  | 'MAX_EMAIL_RECIPIENTS_PER_CHANNEL'
  | 'TRUST_PROXY'
  | 'SMTP_URL'
  | 'SMTP_FROM'
  | 'MAIL_RATE_LIMIT_PER_MINUTE'
  | 'PASSWORD_HASH_LOG2_N'
  | 'METRICS_TOKEN'
>;

/** What services need: passed in, never imported from globals. */
export interface ServiceContext {
  db: Db;
  redis: RedisClient;
  config: ApiConfig;
  clock: Clock;
  logger: Logger;
  box: SecretBox;
  passwords: PasswordHasher;
  mailer: Mailer;
  /** The x-request-id of the request being served, carried into what it publishes or enqueues. */
  requestId?: string;
}
