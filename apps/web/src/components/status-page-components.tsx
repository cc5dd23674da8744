import type { PublicStatusComponent, ShownState } from '../lib/api-types';
import { formatPercent } from '../lib/format';
import { DayBars } from './uptime-bars';

const stateLabels: Record<ShownState, string> = {
  up: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  maintenance: 'Maintenance',
  paused: 'Paused',
  pending: 'Pending',
};

/** The badge colours of the monitor statuses; degraded looks like flapping (both: up, but not well). */
export function ShownStateBadge({ state }: { state: ShownState }) {
  const tone = state === 'degraded' ? 'flapping' : state;
  return (
    <span className={`badge badge--${tone}`}>
      <span className="badge__dot" aria-hidden="true" />
      {stateLabels[state] ?? state}
    </span>
  );
}

const uptime = (percent: number | null) =>
  percent === null ? 'No data yet' : `${formatPercent(percent)} uptime over the last 90 days`;

/** Each component with its state and bars, and its monitors listed under it. */
export function StatusPageComponents({ components }: { components: PublicStatusComponent[] | undefined }) {
  if (!components || components.length === 0) return null;
  return (
    <ul className="status-list" aria-label="Components">
      {components.map((c) => (
        <li key={c.id} className="card status-component">
          <div className="status-list__head">
            <h2>{c.name}</h2>
            <ShownStateBadge state={c.state} />
          </div>
          {c.description ? <p className="muted">{c.description}</p> : null}
          <p className="muted">{uptime(c.uptimePercent)}</p>
          <DayBars days={c.uptime90d} />
          <ul className="status-component__monitors">
            {c.monitors.map((m) => (
              <li key={m.id}>
                <span>{m.name}</span>
                <ShownStateBadge state={m.state} />
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
