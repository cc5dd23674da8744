import type { Database, Db } from '@sentinelmesh/db';
import type { DeploymentRegions, Logger, RedisClient, SecretBox } from '@sentinelmesh/platform';
import type { Transaction } from 'kysely';
import type { ApiEnv } from './env';
import type { Principal } from './plugins/auth';
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
  | 'TEST_ALERT_WAIT_MS'
  | 'MAX_EMAIL_RECIPIENTS_PER_CHANNEL'
  | 'TRUST_PROXY'
  | 'SMTP_URL'
  | 'SMTP_FROM'
  | 'MAIL_RATE_LIMIT_PER_MINUTE'
  | 'PASSWORD_HASH_LOG2_N'
  | 'METRICS_TOKEN'
>;

/**
 * What services need: passed in, never imported from globals. `db` is the service role: services that
 * work across organizations (sign-up, login, tokens in links) take this context; org-scoped ones take
 * a TenantContext.
 */
export interface ServiceContext {
  db: Db;
  redis: RedisClient;
  config: ApiConfig;
  clock: Clock;
  logger: Logger;
  box: SecretBox;
  passwords: PasswordHasher;
  mailer: Mailer;
  /** REGIONS with the probe regions and private locations in the database, re-read every few seconds. */
  regions: DeploymentRegions;
  /** The x-request-id of the request being served, carried into what it publishes or enqueues. */
  requestId?: string;
}

/** A transaction running as the tenant role with `app.org_id` set: row-level security binds it to one organization. */
export type TenantDb = Transaction<Database>;

/**
 * The first argument of every org-scoped service: the organization and the request's one tenant
 * transaction, opened by a hook before the handler and committed before the reply (ADR 0014).
 */
export interface TenantContext extends Omit<ServiceContext, 'db' | 'requestId'> {
  db: TenantDb;
  orgId: string;
  requestId: string;
  /** Runs `task` once the transaction has committed (announcements, emails); never after a rollback. */
  afterCommit(task: () => Promise<void> | void): void;
}

/** A TenantContext of an authenticated request: who acts, with the role they hold now. */
export interface ActorContext extends TenantContext {
  actor: Principal;
}
