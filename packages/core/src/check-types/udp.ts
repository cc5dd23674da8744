import { z } from 'zod';
import { hostName } from '../schemas/monitor-fields';
import { type CheckType, defineCheckType } from './check-type';
import { payloadEncodings } from './tcp';

/** A UDP datagram to a host and port; the reply, when one is awaited, can be matched and judged. */
export const udpCheckType = defineCheckType({
  type: 'udp',
  label: 'UDP',
  description: 'Sends a datagram and, unless told not to, waits for a reply that can be matched.',
  fields: {
    host: hostName,
    port: z.number().int().min(1).max(65_535),
    payload: z.string().min(1).max(4096),
    payloadEncoding: z.enum(payloadEncodings).default('utf8'),
    expect: z.string().min(1).max(4096).optional(),
    awaitReply: z.boolean().default(true),
  },
  assertions: { sources: ['responseTimeMs', 'body'], defaults: [] },
  form: [
    {
      name: 'host',
      label: 'Host',
      kind: 'text',
      hint: 'Host name or IP address.',
      placeholder: 'ntp.example.com',
    },
    { name: 'port', label: 'Port', kind: 'number', placeholder: '123' },
    { name: 'payload', label: 'Payload', kind: 'text', hint: 'The datagram to send (text, or hex).' },
    {
      name: 'payloadEncoding',
      label: 'Payload/expect encoding',
      kind: 'select',
      options: payloadEncodings,
      initial: 'utf8',
    },
    {
      name: 'expect',
      label: 'Expect in the reply (optional)',
      kind: 'text',
      optional: true,
      hint: 'The check fails when the reply does not contain this.',
    },
    {
      name: 'awaitReply',
      label: 'Wait for a reply',
      kind: 'select',
      options: ['true', 'false'],
      optionLabels: { true: 'Yes: no reply in time fails the check', false: 'No: sending is enough' },
      boolean: true,
      initial: 'true',
    },
  ],
  target: (config: { host: string; port: number }) => `udp://${config.host}:${config.port}`,
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'udp'>);
