import { maintenanceOccurrences } from '@sentinelmesh/core';
import { type Db, type WindowTimes, windowRule, windowTimeColumns } from '@sentinelmesh/db';
import type { Logger } from '@sentinelmesh/platform';
import { sql } from 'kysely';
import type { ServiceContext } from '../context';
import { bindTenant } from '../db/tenant';
import {
  announceOccurrence,
  type MaintenanceKind,
  type Occurrence,
} from '../services/maintenance-announcements';
import { invalidateStatusPages } from '../services/status-page-cache';
import { runEvery } from './every';

/** How long after its end an occurrence is still announced as completed; older news is not mailed. */
export const COMPLETED_WITHIN_MS = 3_600_000;
/** Windows read per query, and looked at per run; a run that stops at the cap resumes there next time. */
const PAGE = 200;
const MAX_WINDOWS_PER_RUN = 2_000;
/** Occurrences of one window announced per run (an hourly rule with a long notice stays bounded). */
const MAX_OCCURRENCES_PER_WINDOW = 50;

interface Due extends WindowTimes {
  id: string;
  org_id: string;
}

interface Cursor {
  orgId: string;
  id: string;
}

export interface MaintenanceAnnouncerDeps {
  db: Db;
  /** Where page caches are invalidated (the API's Redis and settings). */
  cache: Pick<ServiceContext, 'redis' | 'config' | 'logger'>;
  logger: Logger;
  noticeHours: number;
  /** Windows read per query and looked at per run (defaults: 200, 2,000). */
  batch?: { page: number; perRun: number };
}

type Span = { startMs: number; endMs: number };

/** What an occurrence within the run's range calls for at `nowMs`, and the time the message bears. */
function newsAt(span: Span, nowMs: number): { kind: MaintenanceKind; at: Date } {
  if (span.startMs > nowMs) return { kind: 'maintenance.scheduled', at: new Date(nowMs) };
  return nowMs < span.endMs
    ? { kind: 'maintenance.started', at: new Date(span.startMs) }
    : { kind: 'maintenance.completed', at: new Date(span.endMs) };
}

/** Whether the occurrence started or ended in (sinceMs, nowMs]: what the public page shows changed. */
const crossed = (o: Span, sinceMs: number, nowMs: number) =>
  (o.startMs > sinceMs && o.startMs <= nowMs) || (o.endMs > sinceMs && o.endMs <= nowMs);

/**
 * Windows (across organizations) that may have an occurrence to announce: those overlapping
 * [now - COMPLETED_WITHIN_MS, now + notice) with a monitor shown on a status page, in (org, id) order.
 */
function dueWindows(db: Db, fromMs: number, toMs: number, after: Cursor | null, limit: number) {
  let query = db
    .selectFrom('maintenance_windows as w')
    .select(['w.id', 'w.org_id', ...windowTimeColumns.map((c) => `w.${c}` as const)])
    .where('w.starts_at', '<', new Date(toMs))
    .where('w.ends_at', '>', new Date(fromMs))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('maintenance_window_monitors as wm')
          .innerJoin('status_page_monitors as spm', (join) =>
            join.onRef('spm.monitor_id', '=', 'wm.monitor_id').onRef('spm.org_id', '=', 'wm.org_id'),
          )
          .select('wm.window_id')
          .whereRef('wm.window_id', '=', 'w.id')
          .whereRef('wm.org_id', '=', 'w.org_id'),
      ),
    );
  if (after) query = query.where(sql<boolean>`(w.org_id, w.id) > (${after.orgId}::uuid, ${after.id}::uuid)`);
  return query.orderBy('w.org_id').orderBy('w.id').limit(limit).execute() as Promise<Due[]>;
}

/**
 * Announces one organization's due occurrences in a tenant transaction: the window is read again
 * there (it may have changed or gone since it was listed). Answers the pages whose maintenance
 * started or ended since `sinceMs`, to invalidate once committed.
 */
async function announceForOrg(
  deps: MaintenanceAnnouncerDeps,
  orgId: string,
  windowIds: string[],
  range: { fromMs: number; toMs: number; nowMs: number; sinceMs: number },
): Promise<{ announced: number; changedPages: string[] }> {
  return deps.db.transaction().execute(async (tx) => {
    await bindTenant(tx, orgId);
    const windows = await tx
      .selectFrom('maintenance_windows as w')
      .select(['w.id', 'w.name', ...windowTimeColumns.map((c) => `w.${c}` as const)])
      .select(
        sql<string[]>`coalesce((
          SELECT array_agg(wm.monitor_id::text ORDER BY wm.monitor_id)
          FROM maintenance_window_monitors wm
          WHERE wm.window_id = w.id AND wm.org_id = w.org_id
        ), '{}')`.as('monitor_ids'),
      )
      .where('w.org_id', '=', orgId)
      .where('w.id', 'in', windowIds)
      .orderBy('w.id')
      .execute();
    let announced = 0;
    const changedPages = new Set<string>();
    for (const row of windows) {
      const rule = windowRule(row);
      const window = { id: row.id, name: row.name, monitorIds: row.monitor_ids, recurrence: rule.recurrence };
      const spans = maintenanceOccurrences(rule, range.fromMs, range.toMs, MAX_OCCURRENCES_PER_WINDOW);
      // Only the next occurrence is announced ahead: an hourly rule does not send a day of notices at once.
      const next = spans.find((span) => span.startMs > range.nowMs);
      for (const span of spans) {
        if (span.startMs > range.nowMs && span !== next) continue;
        const occurrence: Occurrence = {
          startsAt: new Date(span.startMs).toISOString(),
          endsAt: new Date(span.endMs).toISOString(),
        };
        const pages = await announceOccurrence(tx, {
          orgId,
          window,
          occurrence,
          ...newsAt(span, range.nowMs),
        });
        announced += 1;
        if (crossed(span, range.sinceMs, range.nowMs)) for (const page of pages) changedPages.add(page);
      }
    }
    return { announced, changedPages: [...changedPages] };
  });
}

/**
 * Announces to status-page subscribers every occurrence of a window over a page's monitors:
 * scheduled when it starts within `noticeHours`, started while it runs, completed within an hour of
 * its end. The outbox's unique key (subscriber, kind, window, occurrence start) makes every run, and
 * runs of several API replicas at once, queue each message once. Pages whose maintenance started or
 * ended since the previous run (on the first run: any that ran in the last hour) are invalidated.
 */
export function createMaintenanceAnnouncer(deps: MaintenanceAnnouncerDeps) {
  const logger = deps.logger;
  const batch = deps.batch ?? { page: PAGE, perRun: MAX_WINDOWS_PER_RUN };
  let previousMs: number | null = null;
  let resumeAfter: Cursor | null = null;

  /** One run at `now`: answers the occurrences looked at, the pages invalidated and the orgs that failed. */
  async function runOnce(now: Date) {
    const nowMs = now.getTime();
    const range = {
      nowMs,
      fromMs: nowMs - COMPLETED_WITHIN_MS,
      toMs: nowMs + deps.noticeHours * 3_600_000,
      sinceMs: previousMs ?? Number.NEGATIVE_INFINITY,
    };
    let after = resumeAfter;
    let seen = 0;
    let announced = 0;
    let invalidated = 0;
    let failed = 0;
    for (;;) {
      const page = await dueWindows(deps.db, range.fromMs, range.toMs, after, batch.page);
      const byOrg = new Map<string, string[]>();
      for (const row of page) byOrg.set(row.org_id, [...(byOrg.get(row.org_id) ?? []), row.id]);
      for (const [orgId, ids] of byOrg) {
        try {
          const result = await announceForOrg(deps, orgId, ids, range);
          announced += result.announced;
          if (result.changedPages.length > 0) {
            await invalidateStatusPages(deps.cache, orgId, result.changedPages);
            invalidated += result.changedPages.length;
          }
        } catch (error) {
          failed += 1;
          logger.warn({ err: error, orgId }, 'maintenance announcements of an organization failed');
        }
      }
      seen += page.length;
      const last = page.at(-1);
      after = last ? { orgId: last.org_id, id: last.id } : null;
      if (page.length < batch.page) {
        after = null;
        break;
      }
      if (seen >= batch.perRun) break;
    }
    resumeAfter = after;
    previousMs = nowMs;
    return { windows: seen, occurrences: announced, invalidatedPages: invalidated, failedOrgs: failed };
  }

  return {
    runOnce,
    /** Runs every `intervalMs` in this process (every API replica may: the unique key dedupes). */
    start(intervalMs: number, clock: () => Date = () => new Date()) {
      return runEvery({
        intervalMs,
        logger,
        failure: 'maintenance announcements failed',
        run: () => runOnce(clock()),
      });
    },
  };
}
