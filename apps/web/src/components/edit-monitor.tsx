'use client';

import { useMonitor } from '../lib/queries';
import { ManagedEditWarning } from './managed-by-code';
import { MonitorForm } from './monitor-form';
import { ProblemBanner } from './problem-banner';

/** Loads the monitor once, then hands it to the form; polling would overwrite what the user types. */
export function EditMonitor({ id }: { id: string }) {
  const monitor = useMonitor(id);
  if (monitor.error && !monitor.data) {
    return <ProblemBanner error={monitor.error} onRetry={() => void monitor.refetch()} />;
  }
  if (!monitor.data) {
    return (
      <p className="loading" role="status">
        Loading monitor…
      </p>
    );
  }
  return (
    <>
      <ManagedEditWarning resource={monitor.data} what="monitor" />
      <MonitorForm key={monitor.data.id} monitor={monitor.data} />
    </>
  );
}
