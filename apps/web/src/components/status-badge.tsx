import type { MonitorStatus } from '@sentinelmesh/core';
import { statusLabels } from '../lib/format';

/** Colour for a quick scan and the status in words, so colour is never the only signal. */
export function StatusBadge({ status }: { status: MonitorStatus }) {
  return (
    <span className={`badge badge--${status}`}>
      <span className="badge__dot" aria-hidden="true" />
      {statusLabels[status] ?? status}
    </span>
  );
}

export function OutcomeBadge({ ok, label }: { ok: boolean; label?: string }) {
  return (
    <span className={`badge ${ok ? 'badge--up' : 'badge--down'}`}>
      <span className="badge__dot" aria-hidden="true" />
      {label ?? (ok ? 'OK' : 'Failed')}
    </span>
  );
}
