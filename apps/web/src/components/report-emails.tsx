'use client';

import { useState } from 'react';
import { byId, useApiMutation, usePickableMonitors } from '../lib/org-queries';
import {
  type ReportableComponent,
  type ReportSubscription,
  reportKeys,
  useReportSubscriptions,
} from '../lib/report-queries';
import { ConfirmButton } from './confirm-dialog';
import { ErrorSummary, Field } from './field';
import { ProblemBanner } from './problem-banner';
import { TableScroll } from './table-scroll';
import { useSimpleForm } from './use-simple-form';

type EmailField = 'targetId' | 'recipients' | 'format';

const labels: Record<EmailField, string> = {
  targetId: 'Report on',
  recipients: 'Recipients',
  format: 'Attachment',
};

/** Addresses typed one per line or separated by commas or spaces. */
const addresses = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

function NewReportEmail({ components }: { components: ReportableComponent[] }) {
  const monitors = usePickableMonitors();
  const [target, setTarget] = useState('organization');
  const [recipients, setRecipients] = useState('');
  const [format, setFormat] = useState<'pdf' | 'csv'>('pdf');
  const [notice, setNotice] = useState<string | null>(null);
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/report-subscriptions', [
    reportKeys.subscriptions,
  ]);
  const form = useSimpleForm({
    idPrefix: 're',
    fields: ['targetId', 'recipients', 'format'] as const,
    labels,
    check: () => {
      const errors: Partial<Record<EmailField, string>> = {};
      const list = addresses(recipients);
      if (list.length === 0) errors.recipients = 'Enter at least one email address';
      else if (list.length > 20) errors.recipients = 'At most 20 addresses';
      else if (list.some((a) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)))
        errors.recipients = 'Enter email addresses';
      return errors;
    },
    submit: async () => {
      const [scope, targetId] = target.split(':') as [string, string | undefined];
      await create.mutateAsync({
        scope,
        ...(targetId ? { targetId } : {}),
        recipients: addresses(recipients),
        format,
      });
      setRecipients('');
      setNotice('The report will be emailed on the 1st of each month.');
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="re-form-title">
      <h3 id="re-form-title">Email a report every month</h3>
      <p className="field__hint">
        On the 1st of each month (UTC), the previous month's report is sent as an attachment.
      </p>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <div className="form__row">
        <Field id="re-targetId" label={labels.targetId} error={form.errors.targetId}>
          {(c) => (
            <select {...c} value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="organization">The whole organization</option>
              {components.length > 0 ? (
                <optgroup label="Status page components">
                  {components.map((component) => (
                    <option key={component.id} value={`component:${component.id}`}>
                      {component.name} ({component.statusPage})
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {monitors.data?.items.length ? (
                <optgroup label="Monitors">
                  {monitors.data.items.map((m) => (
                    <option key={m.id} value={`monitor:${m.id}`}>
                      {m.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          )}
        </Field>
        <Field id="re-format" label={labels.format} error={form.errors.format}>
          {(c) => (
            <select {...c} value={format} onChange={(e) => setFormat(e.target.value as 'pdf' | 'csv')}>
              <option value="pdf">PDF</option>
              <option value="csv">CSV</option>
            </select>
          )}
        </Field>
      </div>
      <Field
        id="re-recipients"
        label={labels.recipients}
        hint="Up to 20 addresses, separated by commas or one per line."
        error={form.errors.recipients}
      >
        {(c) => (
          <textarea {...c} rows={3} value={recipients} onChange={(e) => setRecipients(e.target.value)} />
        )}
      </Field>
      <div className="form__actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Saving…' : 'Email monthly'}
        </button>
      </div>
    </form>
  );
}

/** Monthly report emails: who gets which report, switched on and off or removed by admins. */
export function ReportEmails({ components }: { components: ReportableComponent[] }) {
  const subscriptions = useReportSubscriptions(true);
  const monitors = usePickableMonitors();
  const toggle = useApiMutation<{ id: string; enabled: boolean }>(
    'PATCH',
    byId('/v1/report-subscriptions'),
    [reportKeys.subscriptions],
    (input) => ({ enabled: input.enabled }),
  );
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/report-subscriptions'), [
    reportKeys.subscriptions,
  ]);
  const nameOf = (s: ReportSubscription) => {
    if (s.scope === 'organization') return 'The whole organization';
    if (s.scope === 'component') return components.find((c) => c.id === s.targetId)?.name ?? 'A component';
    return monitors.data?.items.find((m) => m.id === s.targetId)?.name ?? 'A monitor';
  };
  const items = subscriptions.data?.items;
  return (
    <section className="section" aria-labelledby="report-emails-title">
      <h2 id="report-emails-title">Monthly report emails</h2>
      {subscriptions.error ? <ProblemBanner error={subscriptions.error} /> : null}
      {toggle.error ? <ProblemBanner error={toggle.error} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No report is emailed yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="report-emails-caption">
          <table className="table">
            <caption id="report-emails-caption">Report emails</caption>
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Recipients</th>
                <th scope="col">Attachment</th>
                <th scope="col">Last sent</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{nameOf(s)}</th>
                  <td>{s.recipients.join(', ')}</td>
                  <td>{s.format.toUpperCase()}</td>
                  <td>{s.enabled ? (s.lastSentMonth ?? 'Not yet') : 'Off'}</td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        aria-label={`${s.enabled ? 'Turn off' : 'Turn on'} the report email of ${nameOf(s)}`}
                        onClick={() => toggle.mutate({ id: s.id, enabled: !s.enabled })}
                      >
                        {s.enabled ? 'Turn off' : 'Turn on'}
                      </button>
                      <ConfirmButton
                        label="Delete"
                        item={nameOf(s)}
                        title={`Stop emailing the report of ${nameOf(s)}?`}
                        confirmLabel="Delete report email"
                        onConfirm={() => remove.mutate({ id: s.id })}
                      >
                        <p>{s.recipients.join(', ')} will no longer get it.</p>
                      </ConfirmButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <NewReportEmail components={components} />
    </section>
  );
}
