'use client';

import type { Monitor, Page } from '../lib/api-types';
import { useApiQuery } from '../lib/queries';
import { IncidentsTable } from './incidents-table';

export function IncidentsPage() {
  // Names for the table; with many monitors, incidents of unlisted ones still link by id.
  const monitors = useApiQuery<Page<Monitor>>(['monitors', 'list', 'names'], '/v1/monitors', { limit: 200 });
  const names = new Map((monitors.data?.items ?? []).map((m) => [m.id, m.name]));
  return <IncidentsTable title="Incidents" headingLevel={1} monitorNames={names} />;
}
