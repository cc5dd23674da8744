'use client';

import Link from 'next/link';
import { useChannels } from '../lib/org-queries';
import { channelTypesPhrase } from './channel-config';
import { ProblemBanner } from './problem-banner';

/** Which channels hear about this monitor's incidents. */
export function ChannelPicker({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const channels = useChannels();
  const items = channels.data?.items ?? [];
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...value, id] : value.filter((channelId) => channelId !== id));

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
            </label>
          </li>
        ))}
      </ul>
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
