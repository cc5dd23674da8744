import type { CheckJob } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { Logger } from '@sentinelmesh/platform';

/** Why a queued check job is not run. */
export type SkipReason = 'paused' | 'deleted' | 'changed';

/** A monitor as the cache knows it; `orgId` null: no such monitor. */
interface Entry {
  orgId: string | null;
  /** `updated_at` in ms: the configuration version jobs carry. */
  version: number;
  paused: boolean;
  loadedAtMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHUNK = 1_000;
const REFRESH_EVERY_MS = 1_000;

/** Whether a job may run against its monitor as it is now. */
function decide(entry: Entry, job: CheckJob): SkipReason | null {
  if (entry.orgId !== job.spec.orgId) return 'deleted';
  if (entry.paused) return 'paused';
  if (job.configVersion !== undefined && job.configVersion !== entry.version) return 'changed';
  return null;
}

export interface MonitorVersions {
  /** Null when the job may run; otherwise why it must not (its monitor paused, deleted or changed). */
  skipReason(job: CheckJob): Promise<SkipReason | null>;
  /** A monitor changed: its next job reads it again. */
  forget(monitorId: string): void;
  /** Changes may have been missed (the subscription was down): every monitor is read again. */
  forgetAll(): void;
  readonly size: number;
  close(): void;
}

/**
 * What the worker knows of each monitor whose jobs it runs: version, paused, and whether it still
 * exists, read from Postgres once and kept. Change announcements forget an entry; a job newer than
 * its entry reads it again; entries older than `maxAgeMs` are still used but read again in the
 * background, so a lost announcement costs at most that long. Reads are batched: a busy worker pays
 * one query for all the monitors it meets in one turn of the event loop, and none per check after.
 * When Postgres cannot be read, jobs run as they would without this check.
 */
export function createMonitorVersions(options: {
  db: Db;
  logger: Logger;
  maxEntries?: number;
  maxAgeMs?: number;
  clock?: () => number;
}): MonitorVersions {
  const max = options.maxEntries ?? 100_000;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const clock = options.clock ?? Date.now;
  const log = options.logger.child({ component: 'monitor-versions' });
  const cache = new Map<string, Entry>();
  let waiting = new Map<string, Array<(entry: Entry | undefined) => void>>();
  let flushing = false;
  /** Reads under way, by monitor: jobs met meanwhile wait for them rather than read again. */
  const reading = new Map<string, Promise<Map<string, Entry> | undefined>>();
  const stale = new Set<string>();
  let refreshTimer: NodeJS.Timeout | null = null;
  /** Bumped by every forget: a read that overlaps one is used but not kept. */
  let changes = 0;

  async function read(ids: string[]): Promise<Map<string, Entry>> {
    const startedAt = changes;
    const found = new Map<string, Entry>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await options.db
        .selectFrom('monitors')
        .select(['id', 'org_id', 'paused', 'updated_at'])
        .where('id', 'in', chunk)
        .execute();
      const loadedAtMs = clock();
      for (const row of rows) {
        found.set(row.id, {
          orgId: row.org_id,
          version: row.updated_at.getTime(),
          paused: row.paused === true,
          loadedAtMs,
        });
      }
      for (const id of chunk) {
        if (!found.has(id)) found.set(id, { orgId: null, version: 0, paused: false, loadedAtMs });
      }
    }
    if (changes === startedAt) {
      for (const [id, entry] of found) {
        cache.delete(id);
        cache.set(id, entry);
      }
      // Oldest reads go first.
      for (const id of cache.keys()) {
        if (cache.size <= max) break;
        cache.delete(id);
      }
    }
    return found;
  }

  async function flush(): Promise<void> {
    const batch = waiting;
    waiting = new Map();
    flushing = false;
    const pending = read([...batch.keys()]).catch((error: unknown) => {
      log.warn({ err: error, monitors: batch.size }, 'cannot read monitors; their jobs run unchecked');
      return undefined;
    });
    for (const id of batch.keys()) reading.set(id, pending);
    const entries = await pending;
    for (const [id, resolvers] of batch) {
      if (reading.get(id) === pending) reading.delete(id);
      for (const resolve of resolvers) resolve(entries?.get(id));
    }
  }

  function fresh(id: string, rereading: boolean): Promise<Entry | undefined> {
    const under = rereading ? undefined : reading.get(id);
    if (under) return under.then((entries) => entries?.get(id));
    return new Promise((resolve) => {
      const resolvers = waiting.get(id);
      if (resolvers) resolvers.push(resolve);
      else waiting.set(id, [resolve]);
      if (!flushing) {
        flushing = true;
        setImmediate(() => void flush());
      }
    });
  }

  function refreshLater(id: string): void {
    stale.add(id);
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      const ids = [...stale];
      stale.clear();
      read(ids)
        .catch((error: unknown) => log.warn({ err: error }, 'cannot refresh monitors'))
        .finally(() => {
          refreshTimer = null;
        });
    }, REFRESH_EVERY_MS);
    refreshTimer.unref();
  }

  return {
    get size() {
      return cache.size;
    },
    async skipReason(job) {
      const { id } = job.spec;
      if (!UUID.test(id)) return 'deleted';
      let entry = cache.get(id);
      if (entry && clock() - entry.loadedAtMs > maxAgeMs) refreshLater(id);
      // A job built from a newer version than the entry: the entry missed a change.
      const behind = entry?.orgId != null && (job.configVersion ?? 0) > entry.version;
      if (!entry || behind) {
        entry = await fresh(id, behind);
        if (!entry) return null;
      }
      return decide(entry, job);
    },
    forget(monitorId) {
      changes += 1;
      cache.delete(monitorId);
      reading.delete(monitorId);
    },
    forgetAll() {
      changes += 1;
      cache.clear();
      reading.clear();
    },
    close() {
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
    },
  };
}
