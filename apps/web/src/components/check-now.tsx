'use client';

import type { CheckResultItem, Monitor } from '../lib/api-types';
import { formatLatency } from '../lib/format';
import { useCheckNow, useSlotResults } from '../lib/monitor-list-queries';
import { ProblemBanner } from './problem-banner';

function outcomeText(results: CheckResultItem[]): string {
  return results
    .map((r) => {
      const what = r.ok
        ? `OK${r.statusCode ? `, ${r.statusCode}` : ''} in ${formatLatency(r.latencyMs)}`
        : `failed: ${r.error?.message ?? 'assertion failed'}`;
      return results.length > 1 ? `${r.region} ${what}` : what;
    })
    .join('; ');
}

/** "Check now": runs the monitor's next slot at once and says what it found when it is in. */
export function CheckNowButton({ monitor, small = false }: { monitor: Monitor; small?: boolean }) {
  const check = useCheckNow(monitor.id);
  const slot = useSlotResults(check.data);
  const results = slot.data ?? [];
  const complete = check.data !== undefined && results.length >= check.data.regions.length;
  const busy = check.isPending || (check.isSuccess && !complete);
  const unavailable = monitor.paused || monitor.type === 'heartbeat';
  return (
    <>
      <button
        type="button"
        className={small ? 'button button--secondary button--small' : 'button button--secondary'}
        disabled={busy || unavailable}
        title={
          unavailable
            ? monitor.paused
              ? 'Resume the monitor to check it'
              : 'Checked by its pings'
            : undefined
        }
        onClick={() => check.mutate()}
      >
        {busy ? 'Checking…' : 'Check now'}
        {small ? <span className="visually-hidden"> {monitor.name}</span> : null}
      </button>
      {check.isSuccess ? (
        <span className="cell-note check-now-result" role="status">
          {complete ? `Checked just now: ${outcomeText(results)}` : 'Check running…'}
        </span>
      ) : null}
      {check.error ? <ProblemBanner error={check.error} /> : null}
    </>
  );
}
