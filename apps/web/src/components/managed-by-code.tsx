'use client';

import type { Managed } from '../lib/api-types';

/** Shown beside a resource that a sentinelmesh.yaml owns. */
export function ManagedBadge({ resource }: { resource: Managed }) {
  if (!resource.managed) return null;
  return (
    <span
      className="badge badge--managed"
      title={resource.key ? `key "${resource.key}" in sentinelmesh.yaml` : undefined}
    >
      Managed by code
    </span>
  );
}

/** Above the edit form of a managed resource (none while the form creates): the file wins at the next apply. */
export function ManagedEditWarning({ resource, what }: { resource: Managed | undefined; what: string }) {
  if (!resource?.managed) return null;
  return (
    <div className="banner banner--warning managed-warning" role="note">
      <p>
        <strong>Managed by code.</strong> This {what} comes from a sentinelmesh.yaml
        {resource.key ? ` (key "${resource.key}")` : ''}: the next <code>sentinelmesh apply</code> undoes any
        edit made here. Change the file instead to keep it.
      </p>
    </div>
  );
}
