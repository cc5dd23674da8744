import type { CheckOutcome, CheckSpec } from '@sentinelmesh/core';
import type { CheckContext, CheckRunner } from './context';
import { dnsCheck } from './dns-check';
import { heartbeatCheck } from './heartbeat-check';
import { httpCheck } from './http-check';
import { failedOutcome, shorten } from './outcome';
import { tcpCheck } from './tcp-check';
import { tlsCheck } from './tls-check';

export type { CheckContext, CheckRunner, HeartbeatReader } from './context';

const runners: Record<CheckSpec['type'], CheckRunner> = {
  http: httpCheck,
  tcp: tcpCheck,
  dns: dnsCheck,
  tls: tlsCheck,
  heartbeat: heartbeatCheck,
};

/** Runs a check of any type. Never throws: whatever goes wrong becomes an `internal` outcome. */
export async function runCheck(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const runner = runners[spec.type];
  if (!runner) return failedOutcome({ kind: 'internal', message: `unknown check type ${String(spec.type)}` });
  try {
    return await runner(spec, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failedOutcome({ kind: 'internal', message: shorten(`check crashed: ${message}`) });
  }
}
