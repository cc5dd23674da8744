import { performance } from 'node:perf_hooks';
import { Client, connectivityState, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import { resolveTarget } from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';

const GRPC_SOURCES: ReadonlySet<string> = new Set(checkTypes.grpc.assertions.sources);

export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

/** grpc.health.v1.HealthCheckResponse.ServingStatus, by number. */
export const servingStatuses = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

/** The largest answer read; a health answer is a few bytes. */
const MAX_RESPONSE_BYTES = 4096;

/** HealthCheckRequest { string service = 1; } in protobuf's wire format (empty: the field is left out). */
export function encodeHealthRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const text = Buffer.from(service, 'utf8');
  const length: number[] = [];
  let n = text.length;
  while (n > 0x7f) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return Buffer.concat([Buffer.from([0x0a, ...length]), text]);
}

function readVarint(bytes: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift < 35; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  throw new Error('truncated varint');
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status number (0 when absent). Throws on malformed bytes. */
export function decodeHealthResponse(bytes: Buffer): number {
  let status = 0;
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [value, after] = readVarint(bytes, next);
      if (field === 1) status = value;
      at = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(bytes, next);
      at = after + length;
    } else if (wire === 1) at = next + 8;
    else if (wire === 5) at = next + 4;
    else throw new Error(`unexpected wire type ${wire}`);
    if (at > bytes.length) throw new Error('truncated field');
  }
  return status;
}

const errorFor = (error: ServiceError, timeoutMs: number) => {
  const details = error.details || error.message;
  switch (error.code) {
    case status.DEADLINE_EXCEEDED:
      return { kind: 'timeout' as const, message: `no complete response within ${timeoutMs} ms` };
    case status.UNIMPLEMENTED:
      return {
        kind: 'protocol' as const,
        message: shorten(`the server does not implement grpc.health.v1: ${details}`),
      };
    case status.UNAVAILABLE: {
      if (/certificate|SSL|TLS|handshake/i.test(details))
        return { kind: 'tls' as const, message: shorten(`TLS: ${details}`) };
      return { kind: 'connect' as const, message: shorten(details) };
    }
    case status.INTERNAL:
      return { kind: 'protocol' as const, message: shorten(details) };
    default:
      return {
        kind: 'protocol' as const,
        message: shorten(`gRPC ${status[error.code] ?? error.code}: ${details}`),
      };
  }
};

/**
 * A gRPC health check: resolves the host once through the target guard and dials exactly that
 * address (the host name still names the authority and the TLS server), then calls
 * grpc.health.v1.Health/Check. Ok when the answer is SERVING; NOT_SERVING, UNKNOWN and an unknown
 * service (NOT_FOUND) fail as `assertion` on `servingStatus`.
 */
export async function grpcCheck(spec: CheckSpecOf<'grpc'>, ctx: CheckContext): Promise<CheckOutcome> {
  const started = performance.now();
  const deadline = Date.now() + spec.timeoutMs;
  let target: { address: string; family: number };
  try {
    target = await resolveTarget(spec.host, { allowPrivate: ctx.allowPrivateTargets });
  } catch (error) {
    return failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }));
  }
  const phases = { ...emptyPhases, dnsMs: performance.now() - started };
  const address = target.family === 6 ? `[${target.address}]:${spec.port}` : `${target.address}:${spec.port}`;
  const authority = `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
  const tls = spec.transport === 'tls';
  const client = new Client(address, tls ? credentials.createSsl() : credentials.createInsecure(), {
    'grpc.default_authority': authority,
    ...(tls ? { 'grpc.ssl_target_name_override': spec.host } : {}),
    'grpc.max_receive_message_length': MAX_RESPONSE_BYTES,
    'grpc.enable_retries': 0,
    'grpc.service_config_disable_resolution': 1,
    // Never through a proxy from the environment: the check dials the address the guard judged.
    'grpc.enable_http_proxy': 0,
    // A connection of its own, not one another check left in the shared pool: connectMs stays honest.
    'grpc.use_local_subchannel_pool': 1,
  });
  const measured = () => ({
    statusCode: null,
    latencyMs: performance.now() - started,
    phases,
    certExpiresAt: null,
  });
  try {
    const connectStarted = performance.now();
    let readyAt: number | null = null;
    // The channel's move to READY marks the end of connecting (TCP, and TLS when used).
    const channel = client.getChannel();
    const watch = (current: connectivityState) =>
      channel.watchConnectivityState(current, deadline, (error) => {
        if (error) return;
        const now = channel.getConnectivityState(false);
        if (now === connectivityState.READY) readyAt = performance.now();
        else if (now !== connectivityState.SHUTDOWN) watch(now);
      });
    watch(channel.getConnectivityState(true));
    let answer: number;
    try {
      answer = await callHealth(client, spec, deadline);
    } catch (error) {
      return failedOutcome(errorFor(error as ServiceError, spec.timeoutMs), measured());
    }
    const answeredAt = performance.now();
    if (readyAt !== null) {
      phases.connectMs = readyAt - connectStarted;
      phases.ttfbMs = answeredAt - readyAt;
    }
    const servingStatus = servingStatuses[answer] ?? `status ${answer}`;
    return judge(servingStatus, spec, ctx, measured());
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'number') {
      return failedOutcome(errorFor(error as ServiceError, spec.timeoutMs), measured());
    }
    return failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), measured());
  } finally {
    client.close();
  }
}

function judge(
  servingStatus: string,
  spec: CheckSpecOf<'grpc'>,
  ctx: CheckContext,
  observed: { statusCode: null; latencyMs: number; phases: typeof emptyPhases; certExpiresAt: null },
): CheckOutcome {
  const missing: FailedAssertion[] =
    servingStatus === 'SERVING'
      ? []
      : [{ source: 'servingStatus', op: 'eq', expected: 'SERVING', actual: servingStatus }];
  const failed = evaluateAssertions(
    spec.assertions.filter((a) => GRPC_SOURCES.has(a.source)),
    { ...observed, headers: {}, body: null },
    ctx.now(),
  );
  return {
    ...answeredOutcome(observed, [...missing, ...failed]),
    details: [{ label: 'Serving status', value: servingStatus }],
  };
}

/** One Health/Check call: the serving status number, or the call's ServiceError (NOT_FOUND as SERVICE_UNKNOWN). */
function callHealth(client: Client, spec: CheckSpecOf<'grpc'>, deadline: number): Promise<number> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      HEALTH_CHECK_METHOD,
      (service: string) => encodeHealthRequest(service),
      (bytes: Buffer) => decodeHealthResponse(bytes),
      spec.service,
      new Metadata(),
      { deadline },
      (error, value) => {
        if (error?.code === status.NOT_FOUND) resolve(3);
        else if (error) reject(error);
        else resolve(value ?? 0);
      },
    );
  });
}
