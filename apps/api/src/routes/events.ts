import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { defaultLiveLimits, LiveEventHub, type LiveLimits } from '../live/hub';
import { liveEventFrame, sseFrame, writeFrame } from '../live/stream';
import { type Principal, principalOf } from '../plugins/auth';

export interface LiveStreamOptions {
  limits?: LiveLimits;
  /** How often a stream sends a heartbeat and checks that its caller may still listen. */
  heartbeatMs?: number;
  /** The longest a stream stays open; the client reconnects with a current token. */
  maxStreamMs?: number;
}

const HEARTBEAT_MS = 15_000;
const MAX_STREAM_MS = 30 * 60_000;
/** How long a refused client waits before trying again, and the reconnect delay EventSource clients use. */
const RETRY_SECONDS = 5;

/** Whether the caller may still hear this organization: the membership (or key) still stands. */
async function stillAllowed(ctx: ServiceContext, principal: Principal): Promise<boolean> {
  if (principal.apiKeyId) {
    const key = await ctx.db
      .selectFrom('api_keys')
      .select('id')
      .where('id', '=', principal.apiKeyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!key) return false;
  }
  const membership = await ctx.db
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', principal.orgId)
    .where('user_id', '=', principal.userId)
    .executeTakeFirst();
  return membership !== undefined;
}

/** Seconds until the bearer access token expires; null for an API key (no expiry). */
function tokenLifetimeMs(request: FastifyRequest, nowMs: number): number | null {
  const token = /^Bearer +(\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const claims = token ? request.server.jwt.decode<{ exp?: number }>(token) : null;
  return typeof claims?.exp === 'number' ? claims.exp * 1000 - nowMs : null;
}

export const eventRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext; live?: LiveStreamOptions }> = async (
  app,
  { ctx, live = {} },
) => {
  const hub = new LiveEventHub(
    ctx.redis,
    ctx.config.QUEUE_PREFIX,
    ctx.logger,
    live.limits ?? defaultLiveLimits,
  );
  const heartbeatMs = live.heartbeatMs ?? HEARTBEAT_MS;
  const maxStreamMs = live.maxStreamMs ?? MAX_STREAM_MS;
  // Before the server waits for its connections: open streams would hold it forever.
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/events',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['events'],
        summary: "Live events of the caller's organization (server-sent events)",
        description:
          'A `text/event-stream` of what changes in the organization: `monitor.status`, `monitor.checked`, `monitor.changed`, `incident.opened`, `incident.acknowledged`, `incident.resolved` (each `data` is one JSON object with `monitorId` and `at`), a `heartbeat` every 15 s, and `end` before the API closes the stream (the access token is about to expire, the membership ended, or the server stops); reconnect then with a current token. Only ids and states travel: read the objects themselves from their routes. A few streams per user and per organization at once (429 beyond).',
        response: { 200: z.string().describe('text/event-stream') },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const userKey = principal.apiKeyId ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
      const admission = hub.admit(principal.orgId, userKey);
      if ('refused' in admission) {
        const limit = admission.refused === 'user' ? hub.limits.perUser : hub.limits.perOrg;
        throw apiErrors.tooManyStreams(`this ${admission.refused}`, limit, RETRY_SECONDS);
      }
      const raw = reply.raw;
      let unsubscribe: (() => Promise<void>) | null = null;
      try {
        unsubscribe = await hub.subscribe(principal.orgId, (event) => writeFrame(raw, liveEventFrame(event)));
      } catch (error) {
        admission.release();
        throw error;
      }

      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store, no-transform',
        'x-content-type-options': 'nosniff',
        // Proxies must pass each event on at once, not buffer the response.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
        // A stream is long; its connection is not reused after it, so stopping never waits on it.
        connection: 'close',
      });
      raw.flushHeaders();
      writeFrame(raw, `retry: ${RETRY_SECONDS * 1000}\n\n`);
      writeFrame(raw, sseFrame('ready', { organizationId: principal.orgId, heartbeatMs }));

      const lifetime = Math.min(
        maxStreamMs,
        tokenLifetimeMs(request, ctx.clock.now().getTime()) ?? maxStreamMs,
      );
      let ended = false;
      const end = (reason: string) => {
        if (ended) return;
        ended = true;
        writeFrame(raw, sseFrame('end', { reason }));
        raw.end();
      };
      const heartbeat = setInterval(() => {
        stillAllowed(ctx, principal)
          .then((allowed) => {
            if (!allowed) end('membership-ended');
            else writeFrame(raw, sseFrame('heartbeat', { at: ctx.clock.now().toISOString() }));
          })
          .catch((error: unknown) => request.log.warn({ err: error }, 'live stream check failed'));
      }, heartbeatMs);
      const expiry = setTimeout(() => end('reconnect'), Math.max(0, lifetime));
      const untrack = hub.track(() => end('server-stopping'));
      raw.on('close', () => {
        ended = true;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        untrack();
        admission.release();
        void unsubscribe?.();
      });
    },
  );
};
