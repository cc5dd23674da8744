import { createLogger, installShutdown, runMain } from '@sentinelmesh/platform';
import { loadProbeOptions } from './probe/options';
import { EXIT_TOKEN_REFUSED, type Probe, startProbe } from './probe/probe';

/**
 * The probe: `node probe.js --gateway <url> --token <smp_…>` (or PROBE_GATEWAY / PROBE_TOKEN). It
 * needs nothing else: no database, no Redis, no inbound port.
 */
runMain('probe', async () => {
  const options = loadProbeOptions(process.argv.slice(2), process.env);
  const logger = createLogger('probe', options.logLevel);
  let probe: Probe | null = null;
  // Before the first session too: a probe waiting for its gateway still stops at once.
  installShutdown({ logger, steps: [{ name: 'probe', run: async () => probe?.close() }] });
  probe = await startProbe({ options, logger });
  const end = await probe.ended;
  process.exit(end === 'token-refused' ? EXIT_TOKEN_REFUSED : 0);
});
