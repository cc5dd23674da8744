'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { useChannels } from '../lib/org-queries';
import { channelTypesPhrase } from './channel-config';
import { ProblemBanner } from './problem-banner';

/**
 * Which channels hear about this monitor's incidents. For a new monitor (`preselectDefaults`) the
 * organization's default channels start ticked, once, as soon as the list arrives.
 */
export function ChannelPicker({
  value,
  onChange,
  preselectDefaults = false,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  preselectDefaults?: boolean;
}) {
  const channels = useChannels();
  const items = channels.data?.items ?? [];
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...value, id] : value.filter((channelId) => channelId !== id));
  const preselected = useRef(false);
  const defaults = channels.data?.items.filter((c) => c.isDefault).map((c) => c.id);
  useEffect(() => {
    if (!preselectDefaults || preselected.current || defaults === undefined) return;
    preselected.current = true;
    if (value.length === 0 && defaults.length > 0) onChange(defaults);
  }, [preselectDefaults, defaults, value, onChange]);

  return (
    <fieldset className="field">
      <legend>Notify these channels</legend>
      {channels.error ? (
        <ProblemBanner error={channels.error} onRetry={() => void channels.refetch()} />
      ) : null}
      {channels.isPending ? <p className="loading">Loading channels…</p> : null}
      {channels.data && items.length === 0 ? (
        <p className="field__hint">
          No channels yet.{' '}
          <Link href="/channels" target="_blank">
            Add a {channelTypesPhrase('or')} channel
          </Link>{' '}
          (opens in a new tab; it appears here when you come back).
        </p>
      ) : null}
      <ul className="checklist">
        {items.map((channel) => (
          <li key={channel.id}>
            <label>
              <input
                type="checkbox"
                checked={value.includes(channel.id)}
                onChange={(e) => toggle(channel.id, e.target.checked)}
              />{' '}
              {channel.name} <span className="muted">({channel.type})</span>
              {channel.isDefault ? <span className="muted"> · default</span> : null}
            </label>
          </li>
        ))}
      </ul>
      {channels.data && value.length === 0 ? (
        <p className="banner banner--warning channel-picker__warning">
          No channel selected: nobody will be alerted when this monitor goes down.
        </p>
      ) : null}
      {items.length > 0 ? (
        <p className="field__hint">
          <Link href="/channels" target="_blank">
            Manage channels
          </Link>{' '}
          (opens in a new tab).
        </p>
      ) : null}
    </fieldset>
  );
}
