import { z } from 'zod';
import { hostName } from '../schemas/monitor-fields';
import { type CheckType, defineCheckType } from './check-type';

/** A TLS handshake without a request; the certificate's chain, name and days left are judged. */
export const tlsCheckType = defineCheckType({
  type: 'tls',
  label: 'TLS certificate',
  description: 'Connects with TLS and checks the certificate is valid and not about to expire.',
  fields: {
    host: hostName,
    port: z.number().int().min(1).max(65_535).default(443),
    servername: hostName.optional(),
    minDaysLeft: z.number().int().min(0).max(3650).default(14),
  },
  assertions: { sources: ['responseTimeMs', 'certExpiresInDays'], defaults: [] },
  form: [
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
  target: (config: { host: string; port: number }) => `tls://${config.host}:${config.port}`,
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'tls'>);
