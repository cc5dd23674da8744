import type { Db } from '@sentinelmesh/db';
import { insertMonitors } from '@sentinelmesh/db/fixtures';

/**
 * `count` HTTP monitors in one organization, written straight to Postgres (the API would take minutes),
 * with a mix of states and tags so filters have something to find: every 50th is down, every 7th paused.
 */
export async function seedManyMonitors(db: Db, orgId: string, count: number): Promise<void> {
  const now = Date.now();
  await insertMonitors(
    db,
    orgId,
    Array.from({ length: count }, (_, index) => {
      const g = index + 1;
      const paused = g % 7 === 0;
      const down = !paused && g % 50 === 0;
      return {
        config: {
          name: `svc-${g}`,
          url: `http://127.0.0.1:9/svc/${g}`,
          followRedirects: false,
          intervalSeconds: 86_400,
          tags: g % 2 === 0 ? ['prod'] : ['staging'],
          paused,
        },
        state: {
          status: paused ? 'paused' : down ? 'down' : 'up',
          since: new Date(now - 3_600_000),
          lastCheckedAt: new Date(now - 30_000),
          lastLatencyMs: 40 + (g % 200),
          lastError: down ? { kind: 'http_status', message: 'HTTP 503' } : null,
        },
      };
    }),
  );
}
