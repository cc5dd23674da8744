import { z } from 'zod';
import { hostName } from '../schemas/monitor-fields';
import { type CheckType, defineCheckType } from './check-type';

export const grpcTransports = ['plaintext', 'tls'] as const;

/** The standard gRPC health check (grpc.health.v1.Health/Check): up when the answer is SERVING. */
export const grpcCheckType = defineCheckType({
  type: 'grpc',
  label: 'gRPC health',
  description: 'Calls grpc.health.v1.Health/Check and expects SERVING.',
  fields: {
    host: hostName,
    port: z.number().int().min(1).max(65_535),
    service: z.string().max(512).default(''),
    transport: z.enum(grpcTransports).default('plaintext'),
  },
  assertions: { sources: ['responseTimeMs'], defaults: [] },
  form: [
    { name: 'host', label: 'Host', kind: 'text', placeholder: 'api.example.com' },
    { name: 'port', label: 'Port', kind: 'number', placeholder: '50051' },
    {
      name: 'service',
      label: 'Service (optional)',
      kind: 'text',
      optional: true,
      hint: 'Empty asks about the server as a whole.',
    },
    { name: 'transport', label: 'Transport', kind: 'select', options: grpcTransports, initial: 'plaintext' },
  ],
  target: (config: { host: string; port: number; transport: string }) =>
    `${config.transport === 'tls' ? 'grpcs' : 'grpc'}://${config.host}:${config.port}`,
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'grpc'>);
