import { assertionSourcesByType, dnsRecordTypes, monitorTypes, payloadEncodings } from '@sentinelmesh/core';

/** One type-specific input of the monitor form; `name` is the API field it fills. */
export interface TypeFieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'list';
  options?: readonly string[];
  hint?: string;
  placeholder?: string;
  optional?: boolean;
  initial?: string;
}

export interface TypeSpec {
  label: string;
  description: string;
  fields: readonly TypeFieldSpec[];
  /** Assertion sources that make sense for this type (empty: the type takes no assertions). */
  assertionSources: readonly string[];
}

/**
 * What the form shows for each monitor type. Only the types core's schema accepts are offered, so a type
 * appears here before the API takes it without harm.
 */
const specs: Record<string, Omit<TypeSpec, 'assertionSources'>> = {
  http: {
    label: 'HTTP(S)',
    description: 'Requests a URL and checks the answer.',
    fields: [
      {
        name: 'url',
        label: 'URL',
        kind: 'text',
        hint: 'The full address to request.',
        placeholder: 'https://example.com/health',
      },
    ],
  },
  tcp: {
    label: 'TCP port',
    description: 'Opens a TCP connection to a host and port; can send bytes and expect an answer.',
    fields: [
      {
        name: 'host',
        label: 'Host',
        kind: 'text',
        hint: 'Host name or IP address.',
        placeholder: 'db.example.com',
      },
      { name: 'port', label: 'Port', kind: 'number', placeholder: '5432' },
      {
        name: 'send',
        label: 'Send (optional)',
        kind: 'text',
        optional: true,
        hint: 'Bytes to send once connected.',
      },
      {
        name: 'expect',
        label: 'Expect in the answer (optional)',
        kind: 'text',
        optional: true,
        hint: 'The check fails when the answer does not contain this.',
      },
      {
        name: 'payloadEncoding',
        label: 'Send/expect encoding',
        kind: 'select',
        options: payloadEncodings,
        initial: 'utf8',
        optional: true,
      },
    ],
  },
  dns: {
    label: 'DNS record',
    description: 'Resolves a name and checks the records it returns.',
    fields: [
      { name: 'host', label: 'Name to resolve', kind: 'text', placeholder: 'example.com' },
      { name: 'recordType', label: 'Record type', kind: 'select', options: dnsRecordTypes, initial: 'A' },
      {
        name: 'expectedValues',
        label: 'Expected values (optional)',
        kind: 'list',
        optional: true,
        hint: 'Comma-separated, e.g. 93.184.216.34. Empty: any answer counts.',
      },
      {
        name: 'resolver',
        label: 'Resolver (optional)',
        kind: 'text',
        optional: true,
        hint: 'IP address of a DNS server, e.g. 1.1.1.1. Empty: the system resolver.',
      },
    ],
  },
  tls: {
    label: 'TLS certificate',
    description: 'Connects with TLS and checks the certificate is valid and not about to expire.',
    fields: [
      { name: 'host', label: 'Host', kind: 'text', placeholder: 'example.com' },
      { name: 'port', label: 'Port', kind: 'number', initial: '443' },
      {
        name: 'minDaysLeft',
        label: 'Down when it expires within (days)',
        kind: 'number',
        initial: '14',
      },
      {
        name: 'servername',
        label: 'Server name (SNI, optional)',
        kind: 'text',
        optional: true,
        hint: 'Only when it differs from the host.',
      },
    ],
  },
  heartbeat: {
    label: 'Heartbeat (cron job)',
    description: 'Your job calls a URL you get after saving; the monitor is down when the calls stop.',
    fields: [
      {
        name: 'periodSeconds',
        label: 'Expected every (seconds)',
        kind: 'number',
        hint: 'How often your job runs, e.g. 3600 for hourly.',
      },
      {
        name: 'graceSeconds',
        label: 'Grace period (seconds)',
        kind: 'number',
        initial: '60',
        hint: 'How late a heartbeat may be before the monitor is down.',
      },
    ],
  },
};

export const availableMonitorTypes = (monitorTypes as readonly string[]).filter((type) => type in specs);

export function typeSpec(type: string): TypeSpec {
  const spec = specs[type] ?? { label: type, description: '', fields: [] };
  const sources = (assertionSourcesByType as Record<string, readonly string[] | undefined>)[type] ?? [];
  return { ...spec, assertionSources: sources };
}
