'use client';

import { useState } from 'react';
import type { Location, Probe } from '../lib/api-types';
import { useAuth } from '../lib/auth';
import { orgKeys, useApiMutation, useLocations, useProbes } from '../lib/org-queries';
import { useNow } from '../lib/use-now';
import { ConfirmButton } from './confirm-dialog';
import { CopyButton } from './copy-button';
import { Field } from './field';
import { FormProblems, ProblemBanner } from './problem-banner';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';
import { useSimpleForm } from './use-simple-form';

const statusLabels: Record<Probe['status'], string> = {
  online: 'Online',
  offline: 'Offline',
  never_seen: 'Never seen',
};

function CreateLocationForm() {
  const [name, setName] = useState('');
  const [allowPrivateTargets, setAllowPrivateTargets] = useState(false);
  const create = useApiMutation<{ name: string; allowPrivateTargets: boolean }, Location>(
    'POST',
    () => '/v1/locations',
    [orgKeys.locations],
  );
  const form = useSimpleForm({
    idPrefix: 'location',
    fields: ['name', 'allowPrivateTargets'] as const,
    check: () => (name.trim() ? {} : { name: 'Required' }),
    submit: async () => {
      await create.mutateAsync({ name: name.trim(), allowPrivateTargets });
      setName('');
      setAllowPrivateTargets(false);
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="new-location-title">
      <h2 id="new-location-title">Create a private location</h2>
      <FormProblems messages={form.formErrors} />
      <Field
        id="location-name"
        label="Name"
        hint="Where its probes run, e.g. “Berlin office”."
        error={form.errors.name}
      >
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={allowPrivateTargets}
          onChange={(e) => setAllowPrivateTargets(e.target.checked)}
        />
        Allow private targets: monitors that run only in such locations may check private, loopback and
        link-local addresses of your network (other regions never may)
      </label>
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create location'}
      </button>
    </form>
  );
}

function CreateProbeForm({ locations }: { locations: Location[] }) {
  const [name, setName] = useState('');
  const [locationId, setLocationId] = useState('');
  const [created, setCreated] = useState<Probe | null>(null);
  const create = useApiMutation<{ id: string; name: string }, Probe>(
    'POST',
    (input) => `/v1/locations/${encodeURIComponent(input.id)}/probes`,
    [orgKeys.probes, orgKeys.locations],
    (input) => ({ name: input.name }),
  );
  const chosen = locationId || locations[0]?.id || '';
  const form = useSimpleForm({
    idPrefix: 'probe',
    fields: ['name', 'location'] as const,
    check: () => ({
      ...(name.trim() ? {} : { name: 'Required' }),
      ...(chosen ? {} : { location: 'Create a location first' }),
    }),
    submit: async () => {
      setCreated(await create.mutateAsync({ id: chosen, name: name.trim() }));
      setName('');
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="new-probe-title">
      <h2 id="new-probe-title">Create a probe token</h2>
      <FormProblems messages={form.formErrors} />
      {created?.token ? (
        <div className="banner banner--success" role="status">
          <p>
            Token for “{created.name}” created. Copy it now: <strong>it is shown only once.</strong>
          </p>
          <p className="secret">
            <code id="created-probe-token">{created.token}</code>{' '}
            <CopyButton text={created.token} label="Copy token" />
          </p>
        </div>
      ) : null}
      <Field id="probe-location" label="Location" error={form.errors.location}>
        {(c) => (
          <select {...c} value={chosen} onChange={(e) => setLocationId(e.target.value)}>
            {locations.map((location) => (
              <option key={location.id} value={location.id}>
                {location.name} ({location.region})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id="probe-name"
        label="Probe name"
        hint="The machine it runs on, e.g. “rack-1”."
        error={form.errors.name}
      >
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create token'}
      </button>
    </form>
  );
}

function ProbesTable({ probes, canManage }: { probes: Probe[]; canManage: boolean }) {
  const now = useNow(10_000);
  const revoke = useApiMutation<{ id: string; locationId: string }>(
    'DELETE',
    (input) => `/v1/locations/${encodeURIComponent(input.locationId)}/probes/${encodeURIComponent(input.id)}`,
    [orgKeys.probes, orgKeys.locations],
    () => undefined,
  );
  return (
    <>
      {revoke.error ? <ProblemBanner error={revoke.error} /> : null}
      <TableScroll labelledBy="probes-caption">
        <table className="table table--cards">
          <caption id="probes-caption">Probes</caption>
          <thead>
            <tr>
              <th scope="col">Probe</th>
              <th scope="col">Region</th>
              <th scope="col">Status</th>
              <th scope="col">Version</th>
              <th scope="col">Last seen</th>
              <th scope="col">Lag p99</th>
              <th scope="col">Checks/s</th>
              {canManage ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {probes.map((probe) => (
              <tr key={probe.id}>
                <th scope="row">{probe.name}</th>
                <td data-label="Region">
                  {probe.region}
                  {probe.locationId ? null : <span className="cell-note">shared region</span>}
                </td>
                <td data-label="Status">{statusLabels[probe.status]}</td>
                <td data-label="Version">{probe.version ?? '—'}</td>
                <td data-label="Last seen">
                  {probe.lastSeenAt ? <TimeAgo iso={probe.lastSeenAt} now={now} /> : 'never'}
                </td>
                <td data-label="Lag p99">
                  {probe.lagP99Ms === null ? '—' : `${Math.round(probe.lagP99Ms)} ms`}
                </td>
                <td data-label="Checks/s">
                  {probe.checksPerSecond === null ? '—' : probe.checksPerSecond.toFixed(1)}
                </td>
                {canManage ? (
                  <td data-label="Actions">
                    {probe.locationId ? (
                      <ConfirmButton
                        label="Revoke"
                        item={probe.name}
                        title={`Revoke the token of “${probe.name}”?`}
                        confirmLabel="Revoke token"
                        onConfirm={() =>
                          revoke.mutate({ id: probe.id, locationId: probe.locationId as string })
                        }
                      >
                        <p>The probe is cut off at once, even mid-poll. This cannot be undone.</p>
                      </ConfirmButton>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** Private locations, their probe tokens, and every probe the organization's monitors use. */
export function LocationsPage({ apiUrl }: { apiUrl: string }) {
  const { state } = useAuth();
  const role = state.status === 'signed-in' ? state.role : null;
  const canManage = role === 'admin' || role === 'owner';
  const locations = useLocations();
  const probes = useProbes();
  const items = locations.data?.items;
  const probeItems = probes.data?.items;
  return (
    <>
      <div className="page-header">
        <h1>Locations &amp; probes</h1>
      </div>
      <p className="lead">
        A private location is a region of your own, served by probes inside your network that connect out to{' '}
        <code>{apiUrl}</code>. Add its region to a monitor’s regions to check from there.
      </p>
      {locations.error ? (
        <ProblemBanner error={locations.error} onRetry={() => void locations.refetch()} />
      ) : null}
      {probes.error ? <ProblemBanner error={probes.error} onRetry={() => void probes.refetch()} /> : null}
      {locations.isPending ? (
        <p className="loading" role="status">
          Loading locations…
        </p>
      ) : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No private locations yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="locations-caption">
          <table className="table table--cards">
            <caption id="locations-caption">Private locations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Region</th>
                <th scope="col">Private targets</th>
                <th scope="col">Probes</th>
              </tr>
            </thead>
            <tbody>
              {items.map((location) => (
                <tr key={location.id}>
                  <th scope="row">{location.name}</th>
                  <td data-label="Region">
                    <code>{location.region}</code>
                  </td>
                  <td data-label="Private targets">
                    {location.allowPrivateTargets ? 'Allowed' : 'Not allowed'}
                  </td>
                  <td data-label="Probes">{location.probes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {probeItems && probeItems.length > 0 ? <ProbesTable probes={probeItems} canManage={canManage} /> : null}
      {probeItems && probeItems.length === 0 ? <p className="empty empty--inline">No probes yet.</p> : null}
      {canManage ? (
        <>
          <CreateLocationForm />
          {items && items.length > 0 ? <CreateProbeForm locations={items} /> : null}
        </>
      ) : null}
    </>
  );
}
