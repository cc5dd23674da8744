import type { Db } from '@sentinelmesh/db';
import type { Logger, SecretBox } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import type { ApiEnv } from './env';

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
>;

/** What services need: passed in, never imported from globals. */
export interface ServiceContext {
  db: Db;
  redis: Redis;
  config: ApiConfig;
  clock: Clock;
  logger: Logger;
  box: SecretBox;
}
