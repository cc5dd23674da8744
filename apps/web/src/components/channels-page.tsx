'use client';

import type { Channel } from '../lib/api-types';
import { EMPTY } from '../lib/format';
import { byId, orgKeys, useAlerts, useApiMutation, useChannels } from '../lib/org-queries';
import { useNow } from '../lib/use-now';
import { channelDestination, channelLabel } from './channel-config';
import { ChannelCreateForm } from './channel-create-form';
import { ConfirmButton } from './confirm-dialog';
import { ProblemBanner } from './problem-banner';
import { OutcomeBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

function ChannelRow({ channel }: { channel: Channel }) {
  const test = useApiMutation<{ id: string }>(
    'POST',
    (c) => `/v1/channels/${encodeURIComponent(c.id)}/test`,
    [['alerts']],
  );
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/channels'), [orgKeys.channels]);
  return (
    <tr>
      <th scope="row">{channel.name}</th>
      <td>{channelLabel(channel.type)}</td>
      <td className="target">{channelDestination(channel.type, channel.config)}</td>
      <td>
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
        {test.isSuccess ? (
          <p className="cell-note" role="status">
            Test sent; see the delivery log below.
          </p>
        ) : null}
        {test.error ? <ProblemBanner error={test.error} /> : null}
        {remove.error ? <ProblemBanner error={remove.error} /> : null}
      </td>
    </tr>
  );
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
          <table className="table">
            <caption id="deliveries-caption">Alerts sent to channels, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
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
                  <td>{alert.event}</td>
                  <td>{names.get(alert.channelId) ?? 'Deleted channel'}</td>
                  <td>
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
                  <td className="num">{alert.attempts}</td>
                  <td>
                    <TimeAgo iso={alert.sentAt} now={now} />
                  </td>
                  <td className="details">{alert.lastError ?? EMPTY}</td>
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
        Where SentinelMesh tells you a monitor went down or came back. Pick channels per monitor.
      </p>
      {channels.error ? (
        <ProblemBanner error={channels.error} onRetry={() => void channels.refetch()} />
      ) : null}
      {channels.isPending ? (
        <p className="loading" role="status">
          Loading channels…
        </p>
      ) : null}
      {items && items.length === 0 ? (
        <p className="empty empty--inline">No channels yet. Add one below.</p>
      ) : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="channels-caption">
          <table className="table">
            <caption id="channels-caption">Channels</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Destination</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((channel) => (
                <ChannelRow key={channel.id} channel={channel} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <ChannelCreateForm />
      <DeliveryLog names={names} />
    </>
  );
}
