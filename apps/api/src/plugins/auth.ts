import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import { hasRole, lowerRole, type Role } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../context';
import { apiErrors } from '../errors';
import { isUuid } from '../http/ids';
import { hashApiKey, isApiKey, isWellFormedApiKey } from '../services/api-key-secrets';
import type { Limiter } from './rate-limit';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'sentinelmesh';
const AUDIENCE = 'sentinelmesh-api';

/**
 * Who is calling, in which organization, with the role they hold there now. For an API key, `userId`
 * is the member who created it and `role` the lower of the key's role and that member's current one.
 */
export interface Principal {
  userId: string;
  orgId: string;
  role: Role;
  apiKeyId?: string;
}

interface AccessClaims {
  sub: unknown;
  org: unknown;
  role: unknown;
  /** The user's session generation at issue; tokens from before the last sign-out-everywhere fail. */
  gen?: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    issueAccessToken(principal: Principal & { generation: number }): {
      accessToken: string;
      expiresIn: number;
    };
    /** An onRequest hook: authenticates the bearer token and requires at least `min`. */
    requireRole(min: Role): onRequestHookHandler;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw apiErrors.unauthenticated();
  return request.principal;
}

export const authPlugin = fp<{ secret: string; db: Db; clock: Clock; limit: Limiter }>(
  async (app, { secret, db, clock, limit }) => {
    await app.register(fastifyCookie);
    await app.register(fastifyJwt, {
      secret,
      sign: { algorithm: 'HS256', iss: ISSUER, aud: AUDIENCE, expiresIn: ACCESS_TOKEN_TTL_SECONDS },
      verify: {
        algorithms: ['HS256'],
        allowedIss: ISSUER,
        allowedAud: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub', 'org', 'role'],
      },
    });
    app.decorateRequest('principal', null);

    app.decorate('issueAccessToken', (principal: Principal & { generation: number }) => ({
      accessToken: app.jwt.sign(
        { sub: principal.userId, org: principal.orgId, role: principal.role, gen: principal.generation },
        { clockTimestamp: clock.now().getTime() },
      ),
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    }));

    /** Keys are looked up by hash; a revoked key, or one whose creator left, fails at once. */
    async function authenticateKey(key: string): Promise<Principal> {
      if (!isWellFormedApiKey(key)) throw apiErrors.invalidApiKey();
      const row = await db
        .selectFrom('api_keys as k')
        .innerJoin('memberships as m', (join) =>
          join.onRef('m.org_id', '=', 'k.org_id').onRef('m.user_id', '=', 'k.created_by'),
        )
        .select([
          'k.id',
          'k.org_id',
          'k.created_by',
          'k.role as keyRole',
          'm.role as memberRole',
          'k.last_used_at',
        ])
        .where('k.key_hash', '=', hashApiKey(key))
        .where('k.revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) throw apiErrors.invalidApiKey();
      const now = clock.now();
      // Recorded at most once a minute, so a busy key does not write on every request.
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
        await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      }
      return {
        userId: row.created_by,
        orgId: row.org_id,
        role: lowerRole(row.keyRole, row.memberRole),
        apiKeyId: row.id,
      };
    }

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
      if (!match?.[1]) throw apiErrors.unauthenticated();
      if (isApiKey(match[1])) return authenticateKey(match[1]);
      let claims: AccessClaims;
      try {
        claims = app.jwt.verify<AccessClaims>(match[1], { clockTimestamp: clock.now().getTime() });
      } catch {
        throw apiErrors.invalidAccessToken();
      }
      if (!isUuid(claims.sub) || !isUuid(claims.org)) throw apiErrors.invalidAccessToken();
      // The role comes from the membership as it is now, so a removed member loses access at once.
      const membership = await db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.role', 'u.session_generation'])
        .where('m.org_id', '=', claims.org)
        .where('m.user_id', '=', claims.sub)
        .executeTakeFirst();
      if (!membership) throw apiErrors.sessionEnded('you are no longer a member of this organization');
      // Tokens from before this claim existed count as generation 0, which any revocation leaves behind.
      const generation = typeof claims.gen === 'number' ? claims.gen : 0;
      if (generation < membership.session_generation) {
        throw apiErrors.sessionEnded('this session was signed out');
      }
      return { userId: claims.sub, orgId: claims.org, role: membership.role };
    }

    app.decorate('requireRole', (min: Role): onRequestHookHandler => {
      return async (request, reply) => {
        const principal = await authenticate(request);
        request.principal = principal;
        await limit(
          request,
          reply,
          principal.apiKeyId ? `key:${principal.apiKeyId}` : `user:${principal.userId}`,
        );
        if (!hasRole(principal.role, min)) throw apiErrors.roleTooLow(min, principal.role);
      };
    });
  },
  { name: 'auth' },
);
