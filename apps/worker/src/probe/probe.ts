import type { Logger } from '@sentinelmesh/platform';
import { type CheckRunner, runCheck as defaultRunCheck } from '../checks/index';
import { createReferenceClock } from '../reference-clock';
import { userAgentFor, WORKER_VERSION } from '../version';
import { createBackoff, pause } from './backoff';
import { createGatewayClient, type GatewayClient, GatewayError, TokenRefusedError } from './gateway-client';
import type { ProbeOptions } from './options';
import { createResultSender } from './result-sender';
import { createSlotRunner } from './slot-runner';
import { Spool } from './spool';
import type { ProbeStats, Session, WireResult } from './wire';

export interface ProbeDeps {
  options: Pick<ProbeOptions, 'gateway' | 'token' | 'spoolDir' | 'spoolMaxMib' | 'concurrency'>;
  logger: Logger;
  runCheck?: CheckRunner;
  client?: GatewayClient;
  /** How often the session (and with it the clock offset) is read again. Default 60 s. */
  sessionRefreshMs?: number;
  /** How long slots already handed over may still run when the probe stops. Default 10 s. */
  stopGraceMs?: number;
}

/** Exit status of a probe whose token the gateway refused: restarting it cannot help. */
export const EXIT_TOKEN_REFUSED = 2;

/** Why a probe stopped: asked to, or its token was refused (unknown or revoked). */
export type ProbeEnd = 'stopped' | 'token-refused';

/**
 * One probe: reads its session (region, private-target rule, the gateway's clock), long-polls for
 * due slots, runs each at its planned time on the gateway's clock and delivers the results through
 * the on-disk spool. A refused token ends it at once; any other gateway failure is waited out with
 * backoff while checks go on and results are held.
 */
export async function startProbe(deps: ProbeDeps) {
  const { options } = deps;
  const logger = deps.logger.child({ component: 'probe' });
  const client =
    deps.client ??
    createGatewayClient({
      gateway: options.gateway,
      token: options.token,
      userAgent: `SentinelMesh-Probe/${WORKER_VERSION}`,
    });
  const spool = await Spool.open<WireResult>({
    dir: options.spoolDir,
    maxBytes: options.spoolMaxMib * 1024 * 1024,
    logger,
  });
  const stop = new AbortController();
  let end: ProbeEnd = 'stopped';
  let resolveEnded: (end: ProbeEnd) => void = () => {};
  const ended = new Promise<ProbeEnd>((resolve) => {
    resolveEnded = resolve;
  });

  const refuse = (error: TokenRefusedError) => {
    if (end === 'token-refused') return;
    end = 'token-refused';
    logger.fatal(
      { detail: error.detail },
      'the gateway refused this probe token (revoked or unknown); stopping',
    );
    stop.abort();
  };

  let session: Session | null = null;
  const clock = createReferenceClock({
    sample: async () => {
      session = await client.session();
      return new Date(session.serverTime);
    },
    logger,
  });

  // The first session: without it the probe knows neither its region nor the clock.
  const backoff = createBackoff();
  while (!session && !stop.signal.aborted) {
    try {
      await clock.sync();
    } catch (error) {
      if (error instanceof TokenRefusedError) {
        refuse(error);
        break;
      }
      const wait = backoff.next();
      logger.warn(
        { err: error instanceof GatewayError ? error.message : error, retryInMs: wait },
        'cannot open a session with the gateway; trying again',
      );
      await pause(wait, stop.signal);
    }
  }
  const current = () => session as Session;
  if (session) {
    logger.info(
      {
        probeId: current().probeId,
        region: current().region,
        privateLocation: current().organizationId !== null,
        allowPrivateTargets: current().allowPrivateTargets,
        clockOffsetMs: Math.round(clock.offsetMs()),
      },
      'session open',
    );
  }

  const sender = createResultSender({
    spool,
    client,
    maxPerPost: () => current()?.maxResultsPerPost ?? 1_000,
    onTokenRefused: refuse,
    logger,
  });
  const runner = createSlotRunner({
    context: {
      get region() {
        return current()?.region ?? 'unknown';
      },
      get userAgent() {
        return userAgentFor(current()?.region ?? 'unknown');
      },
      get allowPrivateTargets() {
        return current()?.allowPrivateTargets ?? false;
      },
      now: () => new Date(clock.now()),
    },
    runCheck: deps.runCheck ?? defaultRunCheck,
    concurrency: options.concurrency,
    onResult: (result) => sender.push(result),
    logger,
  });

  let lastCompleted = 0;
  let lastStatsAt = performance.now();
  function stats(): ProbeStats {
    const at = performance.now();
    const seconds = Math.max(0.001, (at - lastStatsAt) / 1000);
    const rate = (runner.completed - lastCompleted) / seconds;
    lastCompleted = runner.completed;
    lastStatsAt = at;
    return {
      checksPerSecond: Math.round(rate * 10) / 10,
      lagP99Ms: Math.round(runner.lagP99Ms()),
      heldResults: sender.held,
      droppedResults: spool.dropped,
    };
  }

  // The session is read again now and then: the clock offset drifts, and settings may change.
  const refresh = setInterval(() => {
    clock.sync().catch((error: unknown) => {
      if (error instanceof TokenRefusedError) refuse(error);
      else logger.warn({ err: error }, 'cannot refresh the session; keeping the last clock offset');
    });
  }, deps.sessionRefreshMs ?? 60_000);
  refresh.unref();

  // A probe that cannot keep up takes no more slots until its backlog shrinks: memory stays bounded.
  const maxPending = Math.max(5_000, options.concurrency * 20);
  const polling = (async () => {
    const pollBackoff = createBackoff();
    while (session && !stop.signal.aborted) {
      while (runner.pending > maxPending && !stop.signal.aborted) await pause(100, stop.signal);
      try {
        const answer = await client.poll(WORKER_VERSION, stats(), current().pollWaitMs, stop.signal);
        pollBackoff.reset();
        runner.add(answer.checks);
      } catch (error) {
        if (stop.signal.aborted) break;
        if (error instanceof TokenRefusedError) {
          refuse(error);
          break;
        }
        const wait = pollBackoff.next();
        logger.warn(
          { err: error instanceof GatewayError ? error.message : error, retryInMs: wait, held: sender.held },
          'cannot poll the gateway; checks already handed over go on',
        );
        await pause(wait, stop.signal);
      }
    }
  })();

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= (async () => {
      stop.abort();
      clearInterval(refresh);
      await polling;
      const { abandoned } = await runner.stop(end === 'token-refused' ? 0 : (deps.stopGraceMs ?? 10_000));
      if (abandoned > 0) logger.warn({ abandoned }, 'slots not yet due were given up at shutdown');
      await sender.close(end === 'token-refused' ? 0 : 3_000);
      await client.close();
      logger.info(
        { held: spool.held, dropped: spool.dropped },
        'probe stopped; held results stay in the spool',
      );
      resolveEnded(end);
    })();
    return closing;
  }
  stop.signal.addEventListener('abort', () => void close(), { once: true });
  if (stop.signal.aborted) void close();

  return {
    /** Resolves once the probe has stopped, saying why. */
    ended,
    close,
    get session(): Session | null {
      return session;
    },
    get held(): number {
      return sender.held;
    },
    get delivery() {
      return sender.stats;
    },
  };
}

export type Probe = Awaited<ReturnType<typeof startProbe>>;
