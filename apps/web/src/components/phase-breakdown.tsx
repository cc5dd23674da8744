import type { CheckResultItem } from '../lib/api-types';
import { formatLatency } from '../lib/format';

const phases = [
  ['dnsMs', 'DNS'],
  ['connectMs', 'Connect'],
  ['tlsMs', 'TLS'],
  ['ttfbMs', 'First byte'],
  ['transferMs', 'Transfer'],
] as const;

/** Where the time of the latest check went, as a stacked bar with the numbers in words beside it. */
export function PhaseBreakdown({ result }: { result: CheckResultItem | undefined }) {
  if (!result) return null;
  const parts: { key: string; label: string; ms: number }[] = [];
  for (const [key, label] of phases) {
    const ms = result.phases[key];
    if (ms !== null) parts.push({ key, label, ms });
  }
  const total = parts.reduce((sum, p) => sum + p.ms, 0);
  if (parts.length === 0 || total <= 0) return null;
  return (
    <section aria-labelledby="phases-title" className="section">
      <h2 id="phases-title">Latest check, phase by phase</h2>
      <div className="phases" aria-hidden="true">
        {parts.map((p) => (
          <span key={p.key} className={`phases__part phases__part--${p.key}`} style={{ flexGrow: p.ms }} />
        ))}
      </div>
      <dl className="figures figures--small">
        {parts.map((p) => (
          <div key={p.key}>
            <dt>
              <span className={`legend-swatch phases__part--${p.key}`} aria-hidden="true" /> {p.label}
            </dt>
            <dd>{formatLatency(p.ms)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
