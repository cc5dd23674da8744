import {
  type CheckOutcome,
  type CheckSpecOf,
  parseRedisCommand,
  redisCommandProblem,
} from '@sentinelmesh/core';
import { Redis, ReplyError } from 'ioredis';
import type { CheckContext } from './context';
import { type DatabaseErrors, QueryRefused, type QueryResult, runDatabaseCheck } from './database-check';

/** Redis answers a refusal (WRONGPASS, NOAUTH, NOPERM, an unknown database) with an error reply. */
const redisErrors: DatabaseErrors = {
  fromServer: (error) => error instanceof ReplyError,
};

/** What a reply counts as rows: an array's length, 0 for nil, 1 for anything else. */
function replyRows(reply: unknown): number {
  if (Array.isArray(reply)) return reply.length;
  return reply === null || reply === undefined ? 0 : 1;
}

/**
 * A Redis check: connects, logs in (AUTH, when the monitor has a password), selects the database and
 * sends the monitor's command, or PING. Only the read commands core allows are ever sent: the check
 * judges the command again rather than trusting the stored monitor.
 */
export function redisCheck(spec: CheckSpecOf<'redis'>, ctx: CheckContext): Promise<CheckOutcome> {
  return runDatabaseCheck(spec, ctx, redisErrors, (target) => {
    const client = new Redis({
      host: target.address,
      port: target.port,
      ...(target.tls ? { tls: target.tls } : {}),
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      autoResubscribe: false,
      connectTimeout: target.timeoutMs,
    });
    // ioredis dials the checked address itself; its connect event is when the socket (and TLS) is up.
    client.once('connect', target.connected);
    // A failed TLS handshake or a reply that is not RESP closes the connection, and the pending
    // command then only says it closed: the connection's own error says why.
    let streamError: unknown = null;
    client.on('error', (error: unknown) => {
      streamError ??= error;
    });
    const explained = (error: unknown) => {
      throw error instanceof ReplyError ? error : (streamError ?? error);
    };
    return {
      login: () => login().catch(explained),
      query: () => query().catch(explained),
      close() {
        client.disconnect();
      },
    };

    async function login() {
      target.dialing();
      await client.connect();
      if (spec.password !== undefined) {
        await (spec.username
          ? client.call('AUTH', spec.username, spec.password)
          : client.call('AUTH', spec.password));
      }
      if (spec.db !== 0) await client.call('SELECT', String(spec.db));
    }

    async function query(): Promise<QueryResult> {
      const text = spec.command ?? 'PING';
      const problem = redisCommandProblem(text);
      if (problem) throw new QueryRefused(`command refused: ${problem}`);
      const { name, args } = parseRedisCommand(text);
      const reply: unknown = await client.call(name, ...args);
      const value = Array.isArray(reply) ? (reply[0] ?? null) : reply;
      return { value, rows: replyRows(reply) };
    }
  });
}
