import { sql } from 'kysely';
import type { TenantContext } from '../context';
import { type GaugeFamily, renderGauges, type Sample } from './exposition';

/** The series GET /v1/metrics serves, in blackbox-exporter names; the Grafana dashboard may use only these. */
export const PROBE_SERIES = [
  'probe_success',
  'probe_duration_seconds',
  'probe_http_status_code',
  'probe_ssl_earliest_cert_expiry',
] as const;

interface LatestRow {
  monitor_id: string;
  name: string;
  type: string;
  region: string;
  ok: boolean;
  status_code: number | null;
  latency_ms: number | null;
  cert_expires_at: Date | null;
}

/**
 * The newest result of each monitor in each region, looked for within three intervals (at least a
 * day) before now, so the query reads the partitions of that span only. A region that has not
 * reported in that span has no series, which a scrape sees as the series going stale.
 */
async function latestResults(ctx: TenantContext): Promise<LatestRow[]> {
  const now = ctx.clock.now();
  const { rows } = await sql<LatestRow>`
    SELECT m.id AS monitor_id, m.name, m.type, r.region, r.ok, r.status_code, r.latency_ms, r.cert_expires_at
    FROM monitors m
    CROSS JOIN LATERAL (
      SELECT DISTINCT ON (t.region) t.region, t.ok, t.status_code, t.latency_ms, t.cert_expires_at
      FROM tenant_check_results t
      WHERE t.monitor_id = m.id
        AND t.scheduled_at >= ${now}::timestamptz - make_interval(secs => greatest(m.interval_seconds * 3, 86400))
        AND t.scheduled_at <= ${now}::timestamptz + interval '1 day'
      ORDER BY t.region, t.scheduled_at DESC, t.checked_at DESC
    ) r
    WHERE m.org_id = ${ctx.orgId} AND NOT m.paused
    ORDER BY m.name, m.id, r.region
  `.execute(ctx.db);
  return rows;
}

/** The organization's probe series as Prometheus text (exposition format 0.0.4). */
export async function probeMetrics(ctx: TenantContext): Promise<string> {
  const rows = await latestResults(ctx);
  const families: Record<(typeof PROBE_SERIES)[number], GaugeFamily> = {
    probe_success: {
      name: 'probe_success',
      help: 'Whether the newest check of the monitor in the region succeeded (1) or failed (0).',
      samples: [],
    },
    probe_duration_seconds: {
      name: 'probe_duration_seconds',
      help: 'How long the newest check of the monitor in the region took, in seconds.',
      samples: [],
    },
    probe_http_status_code: {
      name: 'probe_http_status_code',
      help: 'HTTP status code of the newest check (0 when no response arrived).',
      samples: [],
    },
    probe_ssl_earliest_cert_expiry: {
      name: 'probe_ssl_earliest_cert_expiry',
      help: 'Expiry of the certificate the newest check saw, in unix seconds.',
      samples: [],
    },
  };
  for (const row of rows) {
    const labels: Sample['labels'] = [
      ['monitor_id', row.monitor_id],
      ['monitor', row.name],
      ['region', row.region],
      ['type', row.type],
    ];
    families.probe_success.samples.push({ labels, value: row.ok ? 1 : 0 });
    if (row.latency_ms !== null) {
      families.probe_duration_seconds.samples.push({ labels, value: row.latency_ms / 1000 });
    }
    if (row.type === 'http' || row.status_code !== null) {
      families.probe_http_status_code.samples.push({ labels, value: row.status_code ?? 0 });
    }
    if (row.cert_expires_at) {
      families.probe_ssl_earliest_cert_expiry.samples.push({
        labels,
        value: Math.floor(row.cert_expires_at.getTime() / 1000),
      });
    }
  }
  return renderGauges(PROBE_SERIES.map((name) => families[name]));
}
