import type { ChannelField } from './channel-type';

/**
 * The form field of a type's optional `priority` setting: the priority of down alerts, in the
 * service's own names (`extra` says what else the service does with them).
 */
export function priorityField(names: readonly string[], fallback: string, extra = ''): ChannelField {
  const choices = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return {
    name: 'priority',
    kind: 'text',
    label: 'Priority when down (optional)',
    hint: `${choices}; empty: ${fallback}.${extra ? ` ${extra}` : ''}`,
    placeholder: fallback,
    optional: true,
  };
}
