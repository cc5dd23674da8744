'use client';

import type { Monitor, Page } from '../lib/api-types';
import { useApiQuery } from '../lib/queries';

/** Pick monitors by name (the first 200; enough for maintenance windows and status pages). */
export function MonitorChecklist({
  id,
  legend,
  value,
  onChange,
  error,
}: {
  /** The fieldset's id, so an error summary can link to it. */
  id?: string;
  legend: string;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string | undefined;
}) {
  const monitors = useApiQuery<Page<Monitor>>(['monitors', 'list', 'names'], '/v1/monitors', { limit: 200 });
  const items = monitors.data?.items ?? [];
  return (
    <fieldset id={id} className={error ? 'field field--invalid' : 'field'}>
      <legend>{legend}</legend>
      {error ? <p className="field__error">{error}</p> : null}
      {monitors.data && items.length === 0 ? <p className="field__hint">No monitors yet.</p> : null}
      <ul className="checklist checklist--scroll">
        {items.map((m) => (
          <li key={m.id}>
            <label>
              <input
                type="checkbox"
                checked={value.includes(m.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...value, m.id] : value.filter((id) => id !== m.id))
                }
              />{' '}
              {m.name}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
