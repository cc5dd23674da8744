import { impactLabels, incidentStatusLabels, type PublicPageIncident } from '../lib/status-page-comm';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One incident with its updates, newest first: on the public page and in its history. */
export function PublicIncident({
  incident,
  level = 3,
  componentNames,
}: {
  incident: PublicPageIncident;
  level?: 2 | 3;
  /** The page's components by id, to name those the incident affects. */
  componentNames?: ReadonlyMap<string, string>;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const affected = incident.componentIds
    .map((id) => componentNames?.get(id))
    .filter((name): name is string => name !== undefined);
  return (
    <article className="card page-incident" aria-labelledby={`pi-${incident.id}`}>
      <div className="status-list__head">
        <Heading id={`pi-${incident.id}`}>{incident.title}</Heading>
        <span className={`badge badge--impact-${incident.impact}`}>{impactLabels[incident.impact]}</span>
      </div>
      {affected.length > 0 ? <p className="muted">Affects {affected.join(', ')}</p> : null}
      <ol className="timeline">
        {incident.updates.map((update) => (
          <li key={update.id} className="timeline__event">
            <p className="timeline__title">
              <strong>{incidentStatusLabels[update.status]}</strong> — {update.message}
            </p>
            <time dateTime={update.at} className="timeline__time">
              {when.format(Date.parse(update.at))}
            </time>
          </li>
        ))}
      </ol>
    </article>
  );
}

/** The open incidents posted on a public status page, above its monitors. */
export function StatusPageIncidents({
  incidents,
  components,
}: {
  incidents: PublicPageIncident[] | undefined;
  components?: readonly { id: string; name: string }[] | undefined;
}) {
  if (!incidents || incidents.length === 0) return null;
  const componentNames = new Map((components ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="open-incidents" className="page-incidents">
      <h2 id="open-incidents">Current incidents</h2>
      {incidents.map((incident) => (
        <PublicIncident key={incident.id} incident={incident} componentNames={componentNames} />
      ))}
    </section>
  );
}
