import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import { DomainError } from '@sentinelmesh/core';
import type { Db, Role } from '@sentinelmesh/db';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../context';
import { isUuid } from '../http/ids';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'sentinelmesh';
const AUDIENCE = 'sentinelmesh-api';
const ranks: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** Who is calling, in which organization, with the role they hold there now. */
export interface Principal {
  userId: string;
  orgId: string;
  role: Role;
}

interface AccessClaims {
  sub: unknown;
  org: unknown;
  role: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    issueAccessToken(principal: Principal): { accessToken: string; expiresIn: number };
    /** An onRequest hook: authenticates the bearer token and requires at least `min`. */
    requireRole(min: Role): onRequestHookHandler;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('unauthenticated', 'authentication required');
  return request.principal;
}

export const authPlugin = fp<{ secret: string; db: Db; clock: Clock }>(
  async (app, { secret, db, clock }) => {
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

    app.decorate('issueAccessToken', (principal: Principal) => ({
      accessToken: app.jwt.sign(
        { sub: principal.userId, org: principal.orgId, role: principal.role },
        { clockTimestamp: clock.now().getTime() },
      ),
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    }));

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
      if (!match?.[1]) {
        throw new DomainError('unauthenticated', 'send an access token as "Authorization: Bearer <token>"');
      }
      let claims: AccessClaims;
      try {
        claims = app.jwt.verify<AccessClaims>(match[1], { clockTimestamp: clock.now().getTime() });
      } catch {
        throw new DomainError('unauthenticated', 'the access token is invalid or expired');
      }
      if (!isUuid(claims.sub) || !isUuid(claims.org)) {
        throw new DomainError('unauthenticated', 'the access token is invalid or expired');
      }
      // The role comes from the membership as it is now, so a removed member loses access at once.
      const membership = await db
        .selectFrom('memberships')
        .select('role')
        .where('org_id', '=', claims.org)
        .where('user_id', '=', claims.sub)
        .executeTakeFirst();
      if (!membership) throw new DomainError('unauthenticated', 'not a member of this organization');
      return { userId: claims.sub, orgId: claims.org, role: membership.role };
    }

    app.decorate('requireRole', (min: Role): onRequestHookHandler => {
      return async (request) => {
        const principal = await authenticate(request);
        request.principal = principal;
        if (ranks[principal.role] < ranks[min]) {
          throw new DomainError(
            'forbidden',
            `this needs the ${min} role or higher; you are ${principal.role}`,
          );
        }
      };
    });
  },
  { name: 'auth' },
);
