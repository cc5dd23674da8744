import {
  type CheckOutcome,
  type CheckSpec,
  fillMasks,
  hasMasks,
  type MonitorSecrets,
  maskUrlsIn,
  scrubSecrets,
} from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { Logger } from './logger';
import { openMonitorSecrets } from './monitor-secrets';
import type { SecretBox } from './secrets';

/** A check spec with its masks filled, or why it could not be. */
export type RevealedSpec =
  | { ok: true; spec: CheckSpec; secrets: MonitorSecrets | null }
  | { ok: false; message: string };

export interface SecretSource {
  /** Fills the masks of a spec from its monitor's sealed secrets; a spec without masks costs nothing. */
  reveal(spec: CheckSpec): Promise<RevealedSpec>;
}

interface Entry {
  /** The monitor's `updated_at` in ms when these secrets were read. */
  version: number;
  secrets: MonitorSecrets | null;
  /** Sealed under another SECRETS_KEY. */
  unreadable?: true;
}

/**
 * Loads monitors' sealed secrets from Postgres by id and keeps them in memory, keyed on the version
 * a spec carries (the monitor's `updated_at`): a spec no newer than the cached entry costs no query.
 * A spec without a version (a confirmation re-check) always reads the row. Least recently used
 * entries go first once `maxEntries` is reached.
 */
export function createSecretSource(options: {
  db: Db;
  box: SecretBox;
  logger: Logger;
  maxEntries?: number;
}): SecretSource & { readonly size: number } {
  const max = options.maxEntries ?? 10_000;
  const cache = new Map<string, Entry>();
  const loading = new Map<string, Promise<Entry | null>>();

  const remember = (id: string, entry: Entry) => {
    cache.delete(id);
    cache.set(id, entry);
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
  };

  async function read(spec: CheckSpec): Promise<Entry | null> {
    const row = await options.db
      .selectFrom('monitors')
      .select(['config', 'secrets', 'updated_at'])
      .where('org_id', '=', spec.orgId)
      .where('id', '=', spec.id)
      .executeTakeFirst();
    if (!row) return null;
    const version = row.updated_at.getTime();
    let entry: Entry;
    try {
      entry = { version, secrets: openMonitorSecrets(options.box, row) };
    } catch {
      options.logger.warn({ monitorId: spec.id }, 'cannot open monitor secrets (was SECRETS_KEY changed?)');
      entry = { version, secrets: null, unreadable: true };
    }
    remember(spec.id, entry);
    return entry;
  }

  async function entryFor(spec: CheckSpec): Promise<Entry | null> {
    const cached = cache.get(spec.id);
    if (cached && spec.secretsVersion !== undefined && cached.version >= spec.secretsVersion) {
      remember(spec.id, cached);
      return cached;
    }
    // Concurrent checks of one monitor share one read.
    let pending = loading.get(spec.id);
    if (!pending) {
      pending = read(spec).finally(() => loading.delete(spec.id));
      loading.set(spec.id, pending);
    }
    return pending;
  }

  return {
    get size() {
      return cache.size;
    },
    async reveal(spec) {
      if (!hasMasks(spec)) return { ok: true, spec, secrets: null };
      // A database error throws: the job is retried, like a result that cannot be written yet.
      const entry = await entryFor(spec);
      if (!entry) return { ok: false, message: 'the monitor no longer exists' };
      if (entry.unreadable) return { ok: false, message: "the monitor's stored secrets cannot be opened" };
      const filled = fillMasks(spec, entry.secrets);
      if (filled.problems.length > 0) {
        return {
          ok: false,
          message: 'a stored secret of this monitor changed after this check was scheduled',
        };
      }
      return { ok: true, spec: filled.config, secrets: entry.secrets };
    },
  };
}

const scrub = (text: string, secrets: MonitorSecrets | null) => maskUrlsIn(scrubSecrets(text, secrets));

/** The outcome with every secret value (and any URL's credentials) taken out of what it reports. */
export function scrubOutcome(outcome: CheckOutcome, secrets: MonitorSecrets | null): CheckOutcome {
  if (!secrets) return outcome;
  return {
    ...outcome,
    error: outcome.error ? { ...outcome.error, message: scrub(outcome.error.message, secrets) } : null,
    failedAssertions: outcome.failedAssertions.map((failed) => ({
      ...failed,
      actual: typeof failed.actual === 'string' ? scrub(failed.actual, secrets) : failed.actual,
      expected: typeof failed.expected === 'string' ? scrub(failed.expected, secrets) : failed.expected,
    })),
  };
}
