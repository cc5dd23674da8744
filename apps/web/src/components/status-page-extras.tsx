'use client';

import type { Monitor, Page, StatusPage, StatusPageComponent, StatusPageLink } from '../lib/api-types';
import { useApiQuery } from '../lib/queries';
import { CopyButton } from './copy-button';
import { Field } from './field';

/** The editor's components, branding, custom domain and badge switch, as the page body sends them. */
export interface StatusPageExtras {
  components: StatusPageComponent[];
  description: string;
  logoUrl: string;
  brandColor: string;
  footerText: string;
  links: StatusPageLink[];
  customDomain: string;
  badgesEnabled: boolean;
}

export const extrasFields = [
  'components',
  'description',
  'logoUrl',
  'brandColor',
  'footerText',
  'links',
  'customDomain',
  'badgesEnabled',
] as const;
export type ExtrasField = (typeof extrasFields)[number];

export const extrasLabels: Record<ExtrasField, string> = {
  components: 'Components',
  description: 'Description',
  logoUrl: 'Logo URL',
  brandColor: 'Brand colour',
  footerText: 'Footer text',
  links: 'Links',
  customDomain: 'Custom domain',
  badgesEnabled: 'Badges',
};

export function initialExtras(page?: StatusPage): StatusPageExtras {
  return {
    components: (page?.components ?? []).map((c) => ({
      name: c.name,
      description: c.description,
      monitorIds: c.monitorIds,
    })),
    description: page?.description ?? '',
    logoUrl: page?.logoUrl ?? '',
    brandColor: page?.brandColor ?? '',
    footerText: page?.footerText ?? '',
    links: page?.links ?? [],
    customDomain: page?.customDomain ?? '',
    badgesEnabled: page?.badgesEnabled ?? false,
  };
}

/** The body fields: empty text is null; components keep only monitors the page shows. */
export function extrasBody(extras: StatusPageExtras, monitorIds: string[]) {
  const orNull = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    components: extras.components.map((c) => ({
      name: c.name.trim(),
      description: c.description?.trim() ? c.description.trim() : null,
      monitorIds: c.monitorIds.filter((id) => monitorIds.includes(id)),
    })),
    description: orNull(extras.description),
    logoUrl: orNull(extras.logoUrl),
    brandColor: orNull(extras.brandColor)?.toLowerCase() ?? null,
    footerText: orNull(extras.footerText),
    links: extras.links.map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
    customDomain: orNull(extras.customDomain)?.toLowerCase() ?? null,
    badgesEnabled: extras.badgesEnabled,
  };
}

/** What the browser can tell before the API does. */
export function checkExtras(extras: StatusPageExtras): Partial<Record<ExtrasField, string>> {
  const errors: Partial<Record<ExtrasField, string>> = {};
  const https = (url: string) => /^https:\/\/[^\s]+$/i.test(url.trim());
  if (extras.components.some((c) => !c.name.trim())) errors.components = 'Name every component';
  if (extras.logoUrl.trim() && !https(extras.logoUrl)) errors.logoUrl = 'An https:// address';
  if (extras.brandColor.trim() && !/^#[0-9a-f]{6}$/i.test(extras.brandColor.trim()))
    errors.brandColor = 'A colour as #rrggbb, e.g. #1a4d8f';
  if (extras.links.some((l) => !l.label.trim() || !https(l.url)))
    errors.links = 'Each link needs a label and an https:// address';
  return errors;
}

const move = <T,>(list: T[], from: number, to: number): T[] => {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
};

/** Components (add, rename, reorder, assign the page's monitors), branding, domain and badges. */
export function StatusPageExtrasFields({
  value,
  onChange,
  monitorIds,
  errors,
  slug,
  apiUrl,
}: {
  value: StatusPageExtras;
  onChange: (next: StatusPageExtras) => void;
  /** The monitors the page shows, in order: what components can group. */
  monitorIds: string[];
  errors: Partial<Record<ExtrasField, string>>;
  /** The saved page's address, for the badge snippet; none before the page is published. */
  slug?: string | undefined;
  apiUrl: string;
}) {
  const monitors = useApiQuery<Page<Monitor>>(['monitors', 'list', 'names'], '/v1/monitors', { limit: 200 });
  const nameOf = new Map((monitors.data?.items ?? []).map((m) => [m.id, m.name]));
  const set = (patch: Partial<StatusPageExtras>) => onChange({ ...value, ...patch });
  const setComponent = (index: number, patch: Partial<StatusPageComponent>) =>
    set({ components: value.components.map((c, i) => (i === index ? { ...c, ...patch } : c)) });
  const assign = (index: number, monitorId: string, on: boolean) =>
    set({
      components: value.components.map((c, i) => ({
        ...c,
        monitorIds:
          i === index
            ? on
              ? [...c.monitorIds, monitorId]
              : c.monitorIds.filter((id) => id !== monitorId)
            : // A monitor belongs to one component: checking it here takes it from the others.
              on
              ? c.monitorIds.filter((id) => id !== monitorId)
              : c.monitorIds,
      })),
    });
  const setLink = (index: number, patch: Partial<StatusPageLink>) =>
    set({ links: value.links.map((l, i) => (i === index ? { ...l, ...patch } : l)) });
  const badgeBase = slug ? `${apiUrl}/v1/public/badges/${slug}` : null;

  return (
    <>
      <fieldset id="sp-components" className={errors.components ? 'field field--invalid' : 'field'}>
        <legend>{extrasLabels.components}</legend>
        <p className="field__hint">
          Group the monitors shown into named parts of your service. Monitors in no component are shown on
          their own.
        </p>
        {errors.components ? <p className="field__error">{errors.components}</p> : null}
        <ol className="sp-components">
          {value.components.map((c, index) => {
            const n = index + 1;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: components have no id until saved; order is their identity here
              <li key={index} className="card sp-component">
                <Field id={`sp-component-${n}-name`} label={`Component ${n} name`}>
                  {(control) => (
                    <input
                      {...control}
                      type="text"
                      value={c.name}
                      onChange={(e) => setComponent(index, { name: e.target.value })}
                    />
                  )}
                </Field>
                <Field id={`sp-component-${n}-description`} label={`Component ${n} description`}>
                  {(control) => (
                    <input
                      {...control}
                      type="text"
                      value={c.description ?? ''}
                      onChange={(e) => setComponent(index, { description: e.target.value })}
                    />
                  )}
                </Field>
                <fieldset className="field">
                  <legend>Monitors in component {n}</legend>
                  {monitorIds.length === 0 ? (
                    <p className="field__hint">Pick the page's monitors first.</p>
                  ) : null}
                  <ul className="checklist">
                    {monitorIds.map((id) => (
                      <li key={id}>
                        <label>
                          <input
                            type="checkbox"
                            checked={c.monitorIds.includes(id)}
                            onChange={(e) => assign(index, id, e.target.checked)}
                          />{' '}
                          {nameOf.get(id) ?? id}
                        </label>
                      </li>
                    ))}
                  </ul>
                </fieldset>
                <div className="form__actions">
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    disabled={index === 0}
                    aria-label={`Move component ${n} up`}
                    onClick={() => set({ components: move(value.components, index, index - 1) })}
                  >
                    Up
                  </button>
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    disabled={index === value.components.length - 1}
                    aria-label={`Move component ${n} down`}
                    onClick={() => set({ components: move(value.components, index, index + 1) })}
                  >
                    Down
                  </button>
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-label={`Remove component ${n}`}
                    onClick={() => set({ components: value.components.filter((_, i) => i !== index) })}
                  >
                    Remove
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() =>
            set({ components: [...value.components, { name: '', description: null, monitorIds: [] }] })
          }
        >
          Add component
        </button>
      </fieldset>

      <Field id="sp-description" label={extrasLabels.description} error={errors.description}>
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={value.description}
            onChange={(e) => set({ description: e.target.value })}
          />
        )}
      </Field>
      <Field
        id="sp-logoUrl"
        label={extrasLabels.logoUrl}
        hint="An https:// image address."
        error={errors.logoUrl}
      >
        {(control) => (
          <input
            {...control}
            type="url"
            value={value.logoUrl}
            onChange={(e) => set({ logoUrl: e.target.value })}
          />
        )}
      </Field>
      <Field
        id="sp-brandColor"
        label={extrasLabels.brandColor}
        hint="#rrggbb; text on it is black or white, whichever reads better."
        error={errors.brandColor}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            spellCheck={false}
            placeholder="#1a4d8f"
            value={value.brandColor}
            onChange={(e) => set({ brandColor: e.target.value })}
          />
        )}
      </Field>
      <Field id="sp-footerText" label={extrasLabels.footerText} error={errors.footerText}>
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={value.footerText}
            onChange={(e) => set({ footerText: e.target.value })}
          />
        )}
      </Field>
      <fieldset id="sp-links" className={errors.links ? 'field field--invalid' : 'field'}>
        <legend>{extrasLabels.links}</legend>
        {errors.links ? <p className="field__error">{errors.links}</p> : null}
        {value.links.map((link, index) => {
          const n = index + 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: links have no id; order is their identity
            <div key={index} className="sp-link">
              <Field id={`sp-link-${n}-label`} label={`Link ${n} label`}>
                {(control) => (
                  <input
                    {...control}
                    type="text"
                    value={link.label}
                    onChange={(e) => setLink(index, { label: e.target.value })}
                  />
                )}
              </Field>
              <Field id={`sp-link-${n}-url`} label={`Link ${n} address`}>
                {(control) => (
                  <input
                    {...control}
                    type="url"
                    value={link.url}
                    onChange={(e) => setLink(index, { url: e.target.value })}
                  />
                )}
              </Field>
              <button
                type="button"
                className="button button--secondary button--small"
                aria-label={`Remove link ${n}`}
                onClick={() => set({ links: value.links.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={value.links.length >= 10}
          onClick={() => set({ links: [...value.links, { label: '', url: '' }] })}
        >
          Add link
        </button>
      </fieldset>
      <Field
        id="sp-customDomain"
        label={extrasLabels.customDomain}
        hint="A host name such as status.example.com, with a CNAME record pointing to this deployment; leave empty for none."
        error={errors.customDomain}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            spellCheck={false}
            value={value.customDomain}
            onChange={(e) => set({ customDomain: e.target.value.toLowerCase() })}
          />
        )}
      </Field>
      <div className="field" id="sp-badgesEnabled">
        <label>
          <input
            type="checkbox"
            checked={value.badgesEnabled}
            onChange={(e) => set({ badgesEnabled: e.target.checked })}
          />{' '}
          Serve status, uptime and latency badges of the page's monitors
        </label>
        {value.badgesEnabled && badgeBase && monitorIds[0] ? (
          <BadgeSnippet
            base={badgeBase}
            monitorId={monitorIds[0]}
            name={nameOf.get(monitorIds[0]) ?? 'monitor'}
          />
        ) : null}
        {value.badgesEnabled && !slug ? (
          <p className="field__hint">The embed code shows once the page is published.</p>
        ) : null}
      </div>
    </>
  );
}

function BadgeSnippet({ base, monitorId, name }: { base: string; monitorId: string; name: string }) {
  const snippet = `![${name} status](${base}/${monitorId}/status.svg)`;
  return (
    <div className="sp-badge-snippet">
      <p className="field__hint">
        Markdown for {name}; <code>uptime.svg?window=7d</code>, <code>latency.svg</code> and{' '}
        <code>shields.json</code> sit beside <code>status.svg</code>.
      </p>
      <pre>
        <code data-testid="badge-snippet">{snippet}</code>
      </pre>
      <CopyButton text={snippet} label="Copy badge code" />
    </div>
  );
}
