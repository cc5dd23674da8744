import type { PublicMaintenanceOccurrence, PublicStatusPage } from '../lib/api-types';

const when = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

function Occurrence({ o, names }: { o: PublicMaintenanceOccurrence; names: Map<string, string> }) {
  const affected = o.monitorIds.map((id) => names.get(id) ?? id).join(', ');
  return (
    <li className="card" data-testid="maintenance-occurrence">
      <h3>{o.name}</h3>
      <p>
        <time dateTime={o.startsAt}>{when.format(Date.parse(o.startsAt))}</time> –{' '}
        <time dateTime={o.endsAt}>{when.format(Date.parse(o.endsAt))}</time>
      </p>
      {affected ? <p className="muted">Affects {affected}</p> : null}
    </li>
  );
}

/** Maintenance a public page announces: what runs now, and what is planned in the next days. */
export function StatusPageMaintenance({ page }: { page: PublicStatusPage }) {
  const { maintenance } = page;
  if (!maintenance || (maintenance.active.length === 0 && maintenance.upcoming.length === 0)) return null;
  const names = new Map(page.monitors.map((m) => [m.id, m.name]));
  const key = (o: PublicMaintenanceOccurrence) => `${o.windowId}-${o.startsAt}`;
  return (
    <section aria-label="Maintenance" data-testid="status-page-maintenance">
      {maintenance.active.length > 0 ? (
        <>
          <h2 id="maintenance-active">Maintenance in progress</h2>
          <ul className="status-list" aria-labelledby="maintenance-active">
            {maintenance.active.map((o) => (
              <Occurrence key={key(o)} o={o} names={names} />
            ))}
          </ul>
        </>
      ) : null}
      {maintenance.upcoming.length > 0 ? (
        <>
          <h2 id="maintenance-upcoming">Scheduled maintenance</h2>
          <ul className="status-list" aria-labelledby="maintenance-upcoming">
            {maintenance.upcoming.map((o) => (
              <Occurrence key={key(o)} o={o} names={names} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
