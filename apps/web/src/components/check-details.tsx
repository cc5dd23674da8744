import type { CheckDetail } from '@sentinelmesh/core';
import type { CheckResultItem } from '../lib/api-types';
import { formatLatency } from '../lib/format';

/** A detail's value in words, in its unit. */
export function formatDetail({ value, unit }: CheckDetail): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'ms':
      return formatLatency(value);
    case 's':
      return formatLatency(value * 1000);
    case 'percent':
      return `${Number(value.toFixed(2))} %`;
    case 'days':
      return `${Number(value.toFixed(1))} days`;
    case 'bytes':
      return value < 1024 ? `${value} B` : `${Number((value / 1024).toFixed(1))} KiB`;
    default:
      return String(Number(value.toFixed(3)));
  }
}

/** The latest check's own measures (a ping's RTT and loss, the steps of a multi-step check), when it has any. */
export function CheckDetails({ result }: { result: CheckResultItem | undefined }) {
  const details = result?.details ?? [];
  if (details.length === 0) return null;
  return (
    <section aria-labelledby="details-title" className="section">
      <h2 id="details-title">Latest check, in detail</h2>
      <dl className="figures figures--small">
        {details.map((d, i) => (
          // Labels may repeat (two steps of the same name); the order is the check's.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole with each result
          <div key={`${i}-${d.label}`}>
            <dt>{d.label}</dt>
            <dd>{formatDetail(d)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
