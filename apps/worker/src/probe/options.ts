import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { PROBE_TOKEN } from '@sentinelmesh/core';
import { EnvError } from '@sentinelmesh/platform';
import { z } from 'zod';

/** Loopback gateways may speak plain HTTP (a local test, a sidecar); every other one HTTPS. */
const isLoopbackHost = (host: string) => {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
};

const gatewayUrl = z
  .url()
  .transform((value) => new URL(value))
  .refine((url) => url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)), {
    message: 'the gateway URL must be https:// (plain http:// only for a loopback gateway)',
  })
  .refine((url) => !url.username && !url.password && !url.search, {
    message: 'the gateway URL takes no credentials or query: the token goes in --token',
  });

export const probeOptionsSchema = z.object({
  gateway: gatewayUrl,
  token: z.string().regex(PROBE_TOKEN, 'a probe token is smp_ and 43 letters, digits, - or _'),
  /** Where results wait while the gateway cannot be reached. */
  spoolDir: z.string().min(1).default('./probe-spool'),
  spoolMaxMib: z.coerce.number().int().min(1).max(1_048_576).default(256),
  /** Checks running at once. */
  concurrency: z.coerce.number().int().min(1).max(10_000).default(200),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ProbeOptions = z.output<typeof probeOptionsSchema>;

const flags = {
  gateway: { env: 'PROBE_GATEWAY' },
  token: { env: 'PROBE_TOKEN' },
  'spool-dir': { env: 'PROBE_SPOOL_DIR' },
  'spool-max-mib': { env: 'PROBE_SPOOL_MAX_MIB' },
  concurrency: { env: 'PROBE_CONCURRENCY' },
  'log-level': { env: 'LOG_LEVEL' },
} as const;

export const PROBE_USAGE =
  'usage: probe --gateway <https://api.example.com> --token <smp_…> [--spool-dir <dir>] [--spool-max-mib <n>] [--concurrency <n>]\n' +
  '       (or PROBE_GATEWAY, PROBE_TOKEN, PROBE_SPOOL_DIR, PROBE_SPOOL_MAX_MIB, PROBE_CONCURRENCY)';

/**
 * The probe's settings from its command line, each flag falling back to its environment variable.
 * The error names every bad setting (never the token's value).
 */
export function loadProbeOptions(argv: string[], env: Record<string, string | undefined>): ProbeOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.keys(flags).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new EnvError(`${error instanceof Error ? error.message : String(error)}\n${PROBE_USAGE}`);
  }
  const pick = (flag: keyof typeof flags) => {
    const value = values[flag] ?? env[flags[flag].env];
    return value === '' ? undefined : value;
  };
  const parsed = probeOptionsSchema.safeParse({
    gateway: pick('gateway'),
    token: pick('token'),
    spoolDir: pick('spool-dir'),
    spoolMaxMib: pick('spool-max-mib'),
    concurrency: pick('concurrency'),
    logLevel: pick('log-level'),
  });
  if (!parsed.success) {
    const names: Record<string, string> = {
      spoolDir: 'spool-dir',
      spoolMaxMib: 'spool-max-mib',
      logLevel: 'log-level',
    };
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const flag = names[key] ?? key;
      const envName = flags[flag as keyof typeof flags]?.env;
      return `  --${flag}${envName ? ` (${envName})` : ''}: ${issue.message}`;
    });
    throw new EnvError(`invalid probe settings:\n${lines.join('\n')}\n${PROBE_USAGE}`);
  }
  return parsed.data;
}
