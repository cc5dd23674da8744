'use client';

import { isChannelTypeName } from '@sentinelmesh/core';
import Link from 'next/link';
import { useState } from 'react';
import type { Alert, Channel, TestAlert } from '../lib/api-types';
import { EMPTY } from '../lib/format';
import { byId, orgKeys, useAlerts, useApiMutation, useChannels } from '../lib/org-queries';
import { useNow } from '../lib/use-now';
import { channelDestination, channelLabel, describeTestOutcome } from './channel-config';
import { ChannelForm } from './channel-form';
import { ConfirmButton } from './confirm-dialog';
import { ManagedBadge, ManagedEditWarning } from './managed-by-code';
import { ProblemBanner } from './problem-banner';
import { OutcomeBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

/** The result of “Send test”: the notifier's first attempt, as the API reported it. */
function TestResult({ alert }: { alert: TestAlert }) {
  const failed = alert.outcome !== null && !alert.outcome.delivered;
  return (
    <p className={failed ? 'test-result test-result--failed' : 'test-result'} role="status">
      {describeTestOutcome(alert)}
    </p>
  );
}

/** One channel as a card: fits a phone as it is, and opens its edit form in place. */
function ChannelCard({ channel }: { channel: Channel }) {
  const test = useApiMutation<{ id: string }, TestAlert>(
    'POST',
    (c) => `/v1/channels/${encodeURIComponent(c.id)}/test`,
    [['alerts']],
  );
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/channels'), [orgKeys.channels]);
  const [editing, setEditing] = useState(false);
  const editable = isChannelTypeName(channel.type);
  return (
    <li className="card channel-card">
      <div className="channel-card__head">
        <h3>{channel.name}</h3>
        {channel.isDefault ? <span className="badge badge--default">Default</span> : null}
        <ManagedBadge resource={channel} />
      </div>
      <p className="channel-card__meta">
        <span>{channelLabel(channel.type)}</span>{' '}
        <span className="target">{channelDestination(channel.type, channel.config)}</span>
      </p>
      <div className="actions actions--inline">
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={test.isPending}
          onClick={() => test.mutate({ id: channel.id })}
        >
          {test.isPending ? 'Sending…' : 'Send test'}
          <span className="visually-hidden"> to {channel.name}</span>
        </button>
        {editable ? (
          <button
            type="button"
            className="button button--secondary button--small"
            aria-expanded={editing}
            onClick={() => setEditing((open) => !open)}
          >
            Edit<span className="visually-hidden"> {channel.name}</span>
          </button>
        ) : null}
        <ConfirmButton
          label="Delete…"
          item={channel.name}
          title={`Delete the channel “${channel.name}”?`}
          confirmLabel="Delete channel"
          onConfirm={() => remove.mutate({ id: channel.id })}
        >
          <p>Monitors stop alerting through it. Its delivery log is kept.</p>
        </ConfirmButton>
      </div>
      {test.data && !test.isPending ? <TestResult alert={test.data} /> : null}
      {test.error ? <ProblemBanner error={test.error} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {editing ? (
        <>
          <ManagedEditWarning resource={channel} what="channel" />
          <ChannelForm channel={channel} onDone={() => setEditing(false)} />
        </>
      ) : null}
    </li>
  );
}

/** What an alert was about: its monitor, or the channel test. */
function AlertSubject({ alert }: { alert: Alert }) {
  if (alert.monitorId && alert.monitorName) {
    return <Link href={`/monitors/${encodeURIComponent(alert.monitorId)}`}>{alert.monitorName}</Link>;
  }
  return <>{alert.event === 'test' ? 'Channel test' : EMPTY}</>;
}

function DeliveryLog({ names }: { names: Map<string, string> }) {
  const alerts = useAlerts();
  const now = useNow(5_000);
  const items = alerts.data?.items;
  return (
    <section aria-labelledby="deliveries-title" className="section">
      <h2 id="deliveries-title">Delivery log</h2>
      {alerts.error ? <ProblemBanner error={alerts.error} onRetry={() => void alerts.refetch()} /> : null}
      {items && items.length === 0 ? <p className="empty empty--inline">Nothing sent yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="deliveries-caption">
          <table className="table stack-table">
            <caption id="deliveries-caption">Alerts sent to channels, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Monitor</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Sent</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {items.map((alert) => (
                <tr key={alert.id}>
                  <td data-label="Event">{alert.event}</td>
                  <td data-label="Monitor">
                    <AlertSubject alert={alert} />
                  </td>
                  <td data-label="Channel">
                    {alert.channelId === null
                      ? `Email to ${alert.recipient?.name ?? 'a former member'}`
                      : (names.get(alert.channelId) ?? 'Deleted channel')}
                  </td>
                  <td data-label="Status">
                    {alert.status === 'pending' ? (
                      <span className="badge badge--pending">
                        <span className="badge__dot" aria-hidden="true" />
                        Pending
                      </span>
                    ) : (
                      <OutcomeBadge
                        ok={alert.status === 'sent'}
                        label={alert.status === 'sent' ? 'Sent' : 'Failed'}
                      />
                    )}
                  </td>
                  <td data-label="Attempts" className="num">
                    {alert.attempts}
                  </td>
                  <td data-label="Sent">
                    <TimeAgo iso={alert.sentAt} now={now} />
                  </td>
                  <td data-label="Last error" className="details">
                    {alert.lastError ?? EMPTY}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

export function ChannelsPage() {
  const channels = useChannels();
  const items = channels.data?.items;
  const names = new Map((items ?? []).map((c) => [c.id, c.name]));
  return (
    <>
      <div className="page-header">
        <h1>Alert channels</h1>
      </div>
      <p className="lead">
        Where SentinelMesh tells you a monitor went down or came back. Pick channels per monitor; channels
        marked “Default” are preselected for new monitors.
      </p>
      {channels.error ? (
        <ProblemBanner error={channels.error} onRetry={() => void channels.refetch()} />
      ) : null}
      {channels.isPending ? (
        <p className="loading" role="status">
          Loading channels…
        </p>
      ) : null}
      <section aria-labelledby="channels-title" className="section">
        <h2 id="channels-title">Channels</h2>
        {items && items.length === 0 ? (
          <p className="empty empty--inline">No channels yet. Add one below.</p>
        ) : null}
        {items && items.length > 0 ? (
          <ul className="channel-cards">
            {items.map((channel) => (
              <ChannelCard key={channel.id} channel={channel} />
            ))}
          </ul>
        ) : null}
      </section>
      <ChannelForm />
      <DeliveryLog names={names} />
    </>
  );
}
