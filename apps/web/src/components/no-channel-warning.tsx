'use client';

import Link from 'next/link';
import type { Monitor } from '../lib/api-types';

/** On a monitor's page: nobody hears about its outages while it has no alert channel. */
export function NoChannelWarning({ monitor }: { monitor: Monitor }) {
  if (monitor.channelIds.length > 0) return null;
  return (
    <div className="banner banner--warning no-channel-warning">
      <p>
        <strong>No alert channel.</strong> Nobody is told when this monitor goes down.{' '}
        <Link href={`/monitors/${encodeURIComponent(monitor.id)}/edit`}>Choose channels</Link> or{' '}
        <Link href="/channels">add one</Link>.
      </p>
    </div>
  );
}
