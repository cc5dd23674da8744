'use client';

import type { StatusPage } from '../lib/api-types';
import { useDeleteSubscriber, useSubscribers } from '../lib/status-page-comm';
import { ProblemBanner } from './problem-banner';
import { RowAction } from './row-action';
import { TableScroll } from './table-scroll';

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Who hears about the page's incidents; only members see addresses. */
export function StatusPageSubscribers({ page }: { page: StatusPage }) {
  const subscribers = useSubscribers(page.id);
  const remove = useDeleteSubscriber(page.id);
  const items = subscribers.data?.items;
  return (
    <section aria-labelledby="sps-title">
      <h2 id="sps-title">Subscribers of {page.title}</h2>
      {subscribers.error ? (
        <ProblemBanner error={subscribers.error} onRetry={() => void subscribers.refetch()} />
      ) : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No subscribers yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="sps-caption">
          <table className="table">
            <caption id="sps-caption">Subscribers</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Kind</th>
                <th scope="col">Confirmed</th>
                <th scope="col">Since</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const address = s.email ?? s.webhookUrl ?? '';
                return (
                  <tr key={s.id}>
                    <th scope="row">{address}</th>
                    <td>{s.kind === 'email' ? 'Email' : 'Webhook'}</td>
                    <td>{s.confirmed ? 'Yes' : 'Waiting'}</td>
                    <td>{date.format(Date.parse(s.createdAt))}</td>
                    <td>
                      <RowAction label="Remove" item={address} onClick={() => remove.mutate({ id: s.id })} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}
