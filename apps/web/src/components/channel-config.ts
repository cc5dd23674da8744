/** The one or two settings each channel type needs, in words a first-time user understands. */
export interface ChannelTypeSpec {
  label: string;
  field: string;
  fieldLabel: string;
  hint: string;
  placeholder: string;
  secret?: { field: string; label: string; hint: string };
}

export const slackSpec: ChannelTypeSpec = {
  label: 'Slack',
  field: 'webhookUrl',
  fieldLabel: 'Slack incoming webhook URL',
  hint: 'In Slack: Apps → Incoming Webhooks → Add to a channel, then paste the URL it gives you.',
  placeholder: 'https://hooks.slack.com/services/…',
};

export const channelTypeSpecs: Record<string, ChannelTypeSpec> = {
  slack: slackSpec,
  email: {
    label: 'Email',
    field: 'to',
    fieldLabel: 'Send to',
    hint: 'One or more addresses, separated by commas.',
    placeholder: 'oncall@example.com',
  },
  pagerduty: {
    label: 'PagerDuty',
    field: 'routingKey',
    fieldLabel: 'Integration (routing) key',
    hint: 'In PagerDuty: Service → Integrations → Events API v2 → Integration Key.',
    placeholder: '32 characters',
  },
  webhook: {
    label: 'Webhook',
    field: 'url',
    fieldLabel: 'URL to POST alerts to',
    hint: 'Receives signed JSON for every alert.',
    placeholder: 'https://example.com/hooks/sentinelmesh',
    secret: {
      field: 'secret',
      label: 'Signing secret (optional)',
      hint: 'At least 16 characters. Empty: one is generated and shown once.',
    },
  },
};

export function channelConfig(type: string, value: string, secret: string): Record<string, unknown> {
  const spec = channelTypeSpecs[type];
  if (!spec) return {};
  const config: Record<string, unknown> =
    spec.field === 'to'
      ? {
          to: value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : { [spec.field]: value.trim() };
  if (spec.secret && secret.trim() !== '') config[spec.secret.field] = secret.trim();
  return config;
}

/** A short description of a stored channel's destination (secrets arrive masked). */
export function channelDestination(config: Record<string, unknown>): string {
  const value = config.url ?? config.webhookUrl ?? config.to ?? config.routingKey;
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : '—';
}
