import {
  type ChannelField,
  type ChannelTypeName,
  channelTypeNames,
  channelTypes,
  isChannelTypeName,
} from '@sentinelmesh/core';

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

/** The `config` a create request sends: each field's value in its kind's shape, empty optional ones left out. */
export function channelSettings(
  type: ChannelTypeName,
  values: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of channelFields(type)) {
    const value = (values[field.name] ?? '').trim();
    if (field.optional && value === '') continue;
    settings[field.name] =
      field.kind === 'email-list'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : value;
  }
  return settings;
}

/** A short description of a stored channel's destination: its first field, as responses show it (secrets masked). */
export function channelDestination(type: string, config: Record<string, unknown>): string {
  const field = isChannelTypeName(type) ? channelFields(type)[0]?.name : undefined;
  const value = field === undefined ? undefined : config[field];
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : '—';
}
