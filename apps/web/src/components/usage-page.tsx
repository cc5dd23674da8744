'use client';

import { useUsage } from '../lib/account-queries';
import { type UsageRow, usageRows } from '../lib/usage';
import { ProblemBanner } from './problem-banner';

function UsageItem({ row }: { row: UsageRow }) {
  const labelId = `usage-${row.key}`;
  return (
    <li className="usage__item">
      <div className="usage__head">
        <span id={labelId} className="usage__label">
          {row.label}
        </span>
        <span className="usage__figure">{row.figure}</span>
      </div>
      {row.used !== null && row.limit !== null ? (
        <meter
          className="usage__meter"
          aria-labelledby={labelId}
          min={0}
          max={Math.max(row.limit, row.used, 1)}
          low={row.limit * 0.8}
          high={row.limit * 0.95}
          optimum={0}
          value={row.used}
        >
          {row.percent}%
        </meter>
      ) : null}
      <p className="field__hint">{row.hint}</p>
    </li>
  );
}

export function UsagePage() {
  const usage = useUsage();
  return (
    <>
      <div className="page-header">
        <h1>Usage and limits</h1>
      </div>
      <p className="lead">
        What this organization uses of the limits this deployment sets. Going over a limit is refused with a
        message naming it.
      </p>
      {usage.error ? <ProblemBanner error={usage.error} onRetry={() => void usage.refetch()} /> : null}
      {usage.isPending ? (
        <p className="loading" role="status">
          Loading usage…
        </p>
      ) : null}
      {usage.data ? (
        <ul className="usage card" aria-label="Usage and limits">
          {usageRows(usage.data).map((row) => (
            <UsageItem key={row.key} row={row} />
          ))}
        </ul>
      ) : null}
    </>
  );
}
