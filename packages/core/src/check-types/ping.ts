import { z } from 'zod';
import { hostName } from '../schemas/monitor-fields';
import { type CheckType, defineCheckType } from './check-type';

/** At most this many echo requests per check. */
export const MAX_PING_COUNT = 10;

/** ICMP echo requests to a host: loss and round-trip times (min/avg/max) are measured and can be judged. */
export const pingCheckType = defineCheckType({
  type: 'ping',
  label: 'Ping (ICMP)',
  description: 'Sends ICMP echo requests and measures packet loss and round-trip time.',
  fields: {
    host: hostName,
    count: z.number().int().min(1).max(MAX_PING_COUNT).default(3),
    intervalMs: z.number().int().min(200).max(5000).default(500),
  },
  // `responseTimeMs` is the average round trip of the replies; `packetLossPercent` is 0-100.
  assertions: { sources: ['responseTimeMs', 'packetLossPercent'], defaults: [] },
  form: [
    {
      name: 'host',
      label: 'Host',
      kind: 'text',
      hint: 'Host name or IP address.',
      placeholder: 'example.com',
    },
    { name: 'count', label: 'Packets', kind: 'number', initial: '3', hint: `1 to ${MAX_PING_COUNT}.` },
    { name: 'intervalMs', label: 'Interval between packets (ms)', kind: 'number', initial: '500' },
  ],
  target: (config: { host: string }) => `icmp://${config.host}`,
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'ping'>);
