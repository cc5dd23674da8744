import { z } from 'zod';
import { hostName } from '../schemas/monitor-fields';
import { type CheckType, defineCheckType } from './check-type';

export const dnsRecordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA', 'PTR'] as const;
export type DnsRecordType = (typeof dnsRecordTypes)[number];

/** `1.1.1.1`, `1.1.1.1:5353`, `2606:4700::1111` or `[2606:4700::1111]:53`. */
const resolverAddress = z
  .string()
  .trim()
  .max(64)
  .regex(
    /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9A-Fa-f:]+|\[[0-9A-Fa-f:]+\](:\d{1,5})?)$/,
    'an IP address with an optional port, e.g. 1.1.1.1 or [2606:4700::1111]:53',
  );

/** A DNS query for one record type; optional values every answer must include. */
export const dnsCheckType = defineCheckType({
  type: 'dns',
  label: 'DNS record',
  description: 'Resolves a name and checks the records it returns.',
  fields: {
    host: hostName,
    recordType: z.enum(dnsRecordTypes).default('A'),
    expectedValues: z.array(z.string().trim().min(1).max(1024)).max(50).default([]),
    resolver: resolverAddress.optional(),
  },
  assertions: { sources: ['responseTimeMs', 'body'], defaults: [] },
  form: [
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
  target: (config: { host: string }) => `dns://${config.host}`,
  targetHosts(config: { host: string; resolver?: string | undefined }) {
    // The name queried must not be internal; the resolver is what receives our packets.
    const name = { path: 'host', host: config.host, name: true as const };
    if (!config.resolver) return [name];
    const bracketed = /^\[([^\]]+)\]/.exec(config.resolver);
    const host =
      bracketed?.[1] ?? (config.resolver.includes('.') ? config.resolver.split(':')[0] : config.resolver);
    return host ? [name, { path: 'resolver', host }] : [name];
  },
} as const satisfies CheckType<'dns'>);
