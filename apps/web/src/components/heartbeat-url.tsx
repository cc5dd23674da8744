'use client';

import { useEffect, useState } from 'react';
import type { Monitor } from '../lib/api-types';
import { CopyButton } from './copy-button';

/** A heartbeat monitor's ping URL (through this dashboard's /api proxy) and how to call it from cron. */
export function HeartbeatUrl({ monitor }: { monitor: Monitor }) {
  const token: unknown = monitor.type === 'heartbeat' ? monitor.heartbeatToken : undefined;
  const [origin, setOrigin] = useState('');
  useEffect(() => setOrigin(window.location.origin), []);
  if (monitor.type !== 'heartbeat') return null;
  if (typeof token !== 'string') {
    return (
      <section aria-labelledby="heartbeat-title" className="section card">
        <h2 id="heartbeat-title">Ping URL</h2>
        <p className="muted">Only members and above can see this monitor's ping URL.</p>
      </section>
    );
  }
  const url = `${origin}/api/v1/heartbeats/${token}`;
  return (
    <section aria-labelledby="heartbeat-title" className="section card">
      <h2 id="heartbeat-title">Ping URL</h2>
      <p>Call this at the end of every run of your job. Keep it secret: anyone with it can ping.</p>
      <p className="secret">
        <code>{url}</code> <CopyButton text={url} label="Copy URL" />
      </p>
      <p className="muted">
        For example in crontab: <code>curl -fsS -m 10 {url}</code>. Add <code>?status=fail</code> to report a
        failed run.
      </p>
    </section>
  );
}
