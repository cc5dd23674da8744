import type { StoredMonitorConfig } from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';
import type { ApiConfig, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { type Counters, CountersUnavailableError } from '../limits/counters';

/** An organization's limits; `null` is no limit. */
export interface Limits {
  monitors: number | null;
  minIntervalSeconds: number | null;
  checksPerSecond: number | null;
  channels: number | null;
  testAlertsPerMinute: number | null;
  emailRecipientsPerChannel: number | null;
}

export interface Usage {
  monitors: number;
  checksPerSecond: number;
  channels: number;
}

type QuotaSettings = Pick<
  ApiConfig,
  | 'MAX_MONITORS_PER_ORG'
  | 'MIN_INTERVAL_SECONDS'
  | 'MAX_CHECKS_PER_SECOND_PER_ORG'
  | 'MAX_CHANNELS_PER_ORG'
  | 'MAX_TEST_ALERTS_PER_MINUTE'
  | 'MAX_EMAIL_RECIPIENTS_PER_CHANNEL'
>;

const noneIfZero = (value: number) => (value > 0 ? value : null);

/** The organization's override where it has one (NULL: the deployment's default), 0 meaning none. */
export async function loadLimits(
  db: Kysely<Database>,
  orgId: string,
  settings: QuotaSettings,
): Promise<Limits> {
  const row = await db
    .selectFrom('organization_limits')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  const pick = (override: number | string | null | undefined, fallback: number) =>
    noneIfZero(override === null || override === undefined ? fallback : Number(override));
  return {
    monitors: pick(row?.max_monitors, settings.MAX_MONITORS_PER_ORG),
    minIntervalSeconds: pick(row?.min_interval_seconds, settings.MIN_INTERVAL_SECONDS),
    checksPerSecond: pick(row?.max_checks_per_second, settings.MAX_CHECKS_PER_SECOND_PER_ORG),
    channels: pick(row?.max_channels, settings.MAX_CHANNELS_PER_ORG),
    testAlertsPerMinute: pick(row?.max_test_alerts_per_minute, settings.MAX_TEST_ALERTS_PER_MINUTE),
    emailRecipientsPerChannel: pick(
      row?.max_email_recipients_per_channel,
      settings.MAX_EMAIL_RECIPIENTS_PER_CHANNEL,
    ),
  };
}

/** Checks per second a monitor asks of the fleet: one per region per interval; none when paused or passive. */
export function checksPerSecondOf(config: StoredMonitorConfig): number {
  if (config.type === 'heartbeat' || config.paused) return 0;
  return config.regions.length / config.intervalSeconds;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Rows that count towards the checks/s budget, summed in SQL over the stored configurations. */
async function checksPerSecondUsed(db: Kysely<Database>, orgId: string, exceptMonitorId?: string) {
  let query = db
    .selectFrom('monitors')
    .select(
      sql<string>`coalesce(sum(jsonb_array_length(config->'regions')::float8 / (config->>'intervalSeconds')::float8), 0)`.as(
        'cps',
      ),
    )
    .where('org_id', '=', orgId)
    .where(sql`config->>'type'`, '<>', 'heartbeat')
    .where(sql`coalesce((config->>'paused')::boolean, false)`, '=', false);
  if (exceptMonitorId) query = query.where('id', '<>', exceptMonitorId);
  const { cps } = await query.executeTakeFirstOrThrow();
  return Number(cps);
}

async function countRows(db: Kysely<Database>, table: 'monitors' | 'channels', orgId: string) {
  const { count } = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function loadUsage(db: Kysely<Database>, orgId: string): Promise<Usage> {
  const [monitors, channels, checksPerSecond] = await Promise.all([
    countRows(db, 'monitors', orgId),
    countRows(db, 'channels', orgId),
    checksPerSecondUsed(db, orgId),
  ]);
  return { monitors, channels, checksPerSecond: round2(checksPerSecond) };
}

/** The organization's limits and its usage of them. */
export async function organizationUsage(ctx: TenantContext): Promise<{ limits: Limits; usage: Usage }> {
  return {
    limits: await loadLimits(ctx.db, ctx.orgId, ctx.config),
    usage: await loadUsage(ctx.db, ctx.orgId),
  };
}

/**
 * Locks the organization row for the rest of the transaction: every quota check runs after it, so
 * two parallel requests cannot both take the last slot.
 */
export async function lockOrganization(db: Kysely<Database>, orgId: string): Promise<void> {
  await db.selectFrom('organizations').select('id').where('id', '=', orgId).forUpdate().execute();
}

const quotaExceeded = apiErrors.quotaExceeded;

/** One more monitor or channel fits under its count limit (call after lockOrganization). */
export async function assertRoomFor(
  db: Kysely<Database>,
  orgId: string,
  kind: 'monitors' | 'channels',
  limit: number | null,
): Promise<void> {
  if (limit === null) return;
  const used = await countRows(db, kind, orgId);
  if (used >= limit)
    throw quotaExceeded(kind, limit, `${used} in use, so no ${kind.slice(0, -1)} can be added`);
}

/**
 * A monitor change that raises the organization's checks per second must stay within its budget; a
 * change that does not raise it is always allowed, so an organization over a lowered limit can still
 * pause, slow down or edit its monitors. Call after lockOrganization.
 */
export async function assertChecksPerSecond(
  db: Kysely<Database>,
  orgId: string,
  limit: number | null,
  change: { monitorId?: string; before: number; after: number },
): Promise<void> {
  if (limit === null || change.after <= change.before) return;
  const others = await checksPerSecondUsed(db, orgId, change.monitorId);
  const total = others + change.after;
  if (total > limit + 1e-9) {
    throw quotaExceeded(
      'checksPerSecond',
      limit,
      `${round2(others + change.before)} checks/s in use and this would make it ${round2(total)} (checks/s = regions / interval over active monitors)`,
    );
  }
}

/** An email channel's recipients fit under the per-channel limit. */
export function assertRecipients(limit: number | null, recipients: unknown): void {
  const count = Array.isArray(recipients) ? recipients.length : 0;
  if (limit !== null && count > limit) {
    throw quotaExceeded(
      'emailRecipientsPerChannel',
      limit,
      `this channel names ${count} recipients (config.to)`,
    );
  }
}

/**
 * Spends one test alert of the organization's per-minute budget: 429 with Retry-After once spent.
 * Fails closed (503): test alerts reach third parties, and nothing depends on them.
 */
export async function spendTestAlert(counters: Counters, orgId: string, limit: number | null): Promise<void> {
  if (limit === null) return;
  let used: Awaited<ReturnType<Counters['hit']>>;
  try {
    used = await counters.hit(`test-alerts:${orgId}`, 60_000);
  } catch (error) {
    if (!(error instanceof CountersUnavailableError)) throw error;
    throw apiErrors.testAlertsUnavailable();
  }
  if (used.count <= limit) return;
  const wait = Math.max(1, Math.ceil(used.ttlMs / 1000));
  throw apiErrors.testAlertsSpent(limit, wait);
}
