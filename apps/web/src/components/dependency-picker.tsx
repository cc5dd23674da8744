'use client';

import Link from 'next/link';
import { useMonitorGroups, usePickableMonitors } from '../lib/org-queries';
import { ProblemBanner } from './problem-banner';

const toggled = (list: string[], id: string, on: boolean) =>
  on ? [...list, id] : list.filter((x) => x !== id);

/**
 * The monitor's group and its parents: while a parent monitor or group is down, this monitor's own
 * outages are recorded but send nothing (ADR 0036).
 */
export function DependencyPicker({
  monitorId,
  groupId,
  parentMonitorIds,
  parentGroupIds,
  error,
  onChange,
}: {
  monitorId?: string | undefined;
  groupId: string;
  parentMonitorIds: string[];
  parentGroupIds: string[];
  error?: string | undefined;
  onChange: (change: { groupId?: string; parentMonitorIds?: string[]; parentGroupIds?: string[] }) => void;
}) {
  const monitors = usePickableMonitors();
  const groups = useMonitorGroups();
  const others = (monitors.data?.items ?? []).filter((m) => m.id !== monitorId);
  const groupItems = groups.data?.items ?? [];
  const failed = monitors.error ?? groups.error;
  return (
    <fieldset className="field" id="dependsOn" tabIndex={-1}>
      <legend>Group and dependencies</legend>
      {failed ? (
        <ProblemBanner
          error={failed}
          onRetry={() => void Promise.all([monitors.refetch(), groups.refetch()])}
        />
      ) : null}
      <label className="field" htmlFor="groupId">
        <span className="field__label">Group</span>
        <select id="groupId" value={groupId} onChange={(e) => onChange({ groupId: e.target.value })}>
          <option value="">No group</option>
          {groupItems.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <p className="field__hint">
        Depends on: while one of these is down, this monitor records its incidents but sends no alerts.{' '}
        <Link href="/groups" target="_blank">
          Manage groups
        </Link>{' '}
        (opens in a new tab).
      </p>
      {others.length === 0 && groupItems.length === 0 && monitors.data ? (
        <p className="field__hint">No other monitors or groups yet.</p>
      ) : null}
      <ul className="checklist" aria-label="Parent monitors">
        {others.map((m) => (
          <li key={m.id}>
            <label>
              <input
                type="checkbox"
                checked={parentMonitorIds.includes(m.id)}
                onChange={(e) =>
                  onChange({ parentMonitorIds: toggled(parentMonitorIds, m.id, e.target.checked) })
                }
              />{' '}
              {m.name} <span className="muted">(monitor)</span>
            </label>
          </li>
        ))}
        {groupItems.map((g) => (
          <li key={g.id}>
            <label>
              <input
                type="checkbox"
                checked={parentGroupIds.includes(g.id)}
                onChange={(e) =>
                  onChange({ parentGroupIds: toggled(parentGroupIds, g.id, e.target.checked) })
                }
              />{' '}
              {g.name} <span className="muted">(group)</span>
            </label>
          </li>
        ))}
      </ul>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
