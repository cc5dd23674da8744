import { z } from 'zod';
import { defaultAssertions } from '../schemas/assertion';
import { type CheckType, defineCheckType } from './check-type';

export const payloadEncodings = ['utf8', 'hex'] as const;

/** A TCP connection; optional bytes to send once connected, and bytes expected in the answer. */
export const tcpCheckType = defineCheckType({
  type: 'tcp',
  label: 'TCP port',
  description: 'Opens a TCP connection to a host and port; can send bytes and expect an answer.',
  fields: {
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65_535),
    send: z.string().max(4096).optional(),
    expect: z.string().min(1).max(4096).optional(),
    payloadEncoding: z.enum(payloadEncodings).optional(),
  },
  // TCP monitors got the HTTP status default once; they keep it, and their checks ignore it.
  assertions: { sources: ['responseTimeMs', 'body'], defaults: defaultAssertions, lenient: true },
  form: [
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
  target: (config: { host: string; port: number }) => `tcp://${config.host}:${config.port}`,
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'tcp'>);
