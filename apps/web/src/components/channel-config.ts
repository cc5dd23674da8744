import {
  type ChannelField,
  type ChannelTypeName,
  channelTypeNames,
  channelTypes,
  isChannelTypeName,
} from '@sentinelmesh/core';
import type { TestAlert } from '../lib/api-types';

/** The types the form offers, in the registry's order (packages/core/src/channels). */
export const channelTypeOptions = channelTypeNames.map((name) => ({ name, label: channelTypes[name].label }));

/** The registered types as a phrase: `Webhook, Slack, Email, PagerDuty or Discord`. */
export function channelTypesPhrase(conjunction: 'and' | 'or'): string {
  const labels = channelTypeOptions.map((option) => option.label);
  return labels.length < 2
    ? labels.join('')
    : `${labels.slice(0, -1).join(', ')} ${conjunction} ${labels[labels.length - 1]}`;
}

/** What the form asks for a type, in order. */
export const channelFields = (type: ChannelTypeName): readonly ChannelField[] => channelTypes[type].fields;

/** A type's name as people read it; an unknown type as it is. */
export const channelLabel = (type: string) => (isChannelTypeName(type) ? channelTypes[type].label : type);

/** Whether a type keeps a setting sealed: responses only ever show it masked. */
export function isSecretField(type: ChannelTypeName, name: string): boolean {
  const secrets = channelTypes[type].secrets;
  return secrets !== null && Object.hasOwn(secrets.shape, name);
}

/** `Name: value` lines as a record of headers; a line without a colon keeps an empty value (the API names it). */
export function headerRecord(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    headers[name] = colon < 0 ? '' : line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * The `config` a request sends: each field's value in its kind's shape, empty optional ones left
 * out. Editing (`keepSecrets`), an empty secret is left out too, so the API keeps the stored one.
 */
export function channelSettings(
  type: ChannelTypeName,
  values: Readonly<Record<string, string>>,
  options: { keepSecrets?: boolean } = {},
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of channelFields(type)) {
    const value = (values[field.name] ?? '').trim();
    const keep = options.keepSecrets === true && isSecretField(type, field.name);
    if ((field.optional || keep) && value === '') continue;
    settings[field.name] =
      field.kind === 'email-list'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : field.kind === 'headers'
          ? headerRecord(value)
          : field.kind === 'code'
            ? (values[field.name] ?? '')
            : value;
  }
  return settings;
}

/** An existing channel's settings as the edit form starts: secrets empty (kept unless replaced). */
export function channelFormValues(
  type: ChannelTypeName,
  config: Record<string, unknown>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of channelFields(type)) {
    const value = config[field.name];
    if (isSecretField(type, field.name)) values[field.name] = '';
    else if (Array.isArray(value)) values[field.name] = value.join(', ');
    else if (field.kind === 'headers' && value && typeof value === 'object') {
      values[field.name] = Object.entries(value)
        .map(([name, v]) => `${name}: ${String(v)}`)
        .join('\n');
    } else values[field.name] = typeof value === 'string' ? value : '';
  }
  return values;
}

/** A test alert's result in words: `Delivered: 200 in 35 ms`, `Failed: connection refused`. */
export function describeTestOutcome(alert: TestAlert): string {
  const { outcome } = alert;
  if (!outcome) return 'Queued, but not attempted yet; the delivery log below shows when it is.';
  if (outcome.delivered) {
    return `Delivered: ${outcome.statusCode ?? 'sent'} in ${outcome.durationMs} ms`;
  }
  const retry = alert.status === 'pending' ? ' (will retry)' : '';
  return `Failed: ${outcome.error ?? 'unknown error'}${retry}`;
}

/** A short description of a stored channel's destination: its first field, as responses show it (secrets masked). */
export function channelDestination(type: string, config: Record<string, unknown>): string {
  const field = isChannelTypeName(type) ? channelFields(type)[0]?.name : undefined;
  const value = field === undefined ? undefined : config[field];
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : '—';
}
