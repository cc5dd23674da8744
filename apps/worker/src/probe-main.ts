import { createLogger, EnvError, installShutdown } from '@sentinelmesh/platform';
import { loadProbeOptions } from './probe/options';
import { EXIT_TOKEN_REFUSED, type Probe, startProbe } from './probe/probe';

/**
 * The probe: `node probe.js --gateway <url> --token <smp_…>` (or PROBE_GATEWAY / PROBE_TOKEN). It
 * needs nothing else: no database, no Redis, no inbound port.
 */
async function main(): Promise<void> {
  const options = loadProbeOptions(process.argv.slice(2), process.env);
  const logger = createLogger('probe', options.logLevel);
  let probe: Probe | null = null;
  // Before the first session too: a probe waiting for its gateway still stops at once.
  installShutdown({ logger, steps: [{ name: 'probe', run: async () => probe?.close() }] });
  probe = await startProbe({ options, logger });
  const end = await probe.ended;
  process.exit(end === 'token-refused' ? EXIT_TOKEN_REFUSED : 0);
}

// Not platform's runMain: it would bring the Redis client into the probe's single file.
main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof EnvError ? message : `probe failed to start: ${message}`);
  process.exit(1);
});
