import type { Database, Db } from '@sentinelmesh/db';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { ControlledTransaction } from 'kysely';
import type { ActorContext, ServiceContext, TenantContext } from '../context';
import { bindTenant } from '../db/tenant';
import type { Principal } from './auth';

interface OpenTenant {
  ctx: TenantContext & { actor?: Principal };
  tx: ControlledTransaction<Database>;
  tasks: Array<() => Promise<void> | void>;
  done: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Opens the request's tenant transaction for `orgId` (once per request). Routes in the tenant
     * scope get it from a hook; unauthenticated routes that learn the organization from a token or
     * a slug open it themselves. Either way it commits before the reply, or rolls back on an error.
     */
    openTenant(request: FastifyRequest, orgId: string, actor?: Principal): Promise<TenantContext>;
    /**
     * Commits the request's tenant transaction now and runs its after-commit tasks, for a handler
     * that then waits on what another process does with the committed rows (a test alert's delivery).
     */
    commitTenant(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    tenant: OpenTenant | null;
  }
  interface FastifyContextConfig {
    /** `false`: this route in the tenant scope opens no transaction (it crosses organizations or waits on I/O). */
    tenantTransaction?: boolean;
  }
}

/** The ActorContext the tenant hook opened for this request. */
export function tenantOf(request: FastifyRequest): ActorContext {
  const ctx = request.tenant?.ctx;
  if (!ctx?.actor) throw new Error('this route has no tenant transaction: register it in the tenant scope');
  return ctx as ActorContext;
}

/** The tenant scope's preHandler: after authentication and validation, one transaction for the caller's organization. */
export const openCallerTenant: preHandlerAsyncHookHandler = async function (request) {
  if (!request.principal || request.routeOptions.config.tenantTransaction === false) return;
  await this.openTenant(request, request.principal.orgId, request.principal);
};

/** Request-scoped tenant transactions: opened on demand, finished in onSend, never left open. */
export const tenantPlugin = fp<{ db: Db; ctx: ServiceContext }>(
  async (app, { db, ctx: base }) => {
    app.decorateRequest('tenant', null);

    app.decorate('openTenant', async (request: FastifyRequest, orgId: string, actor?: Principal) => {
      if (request.tenant) throw new Error('the tenant transaction of this request is open already');
      const tx = await db.startTransaction().execute();
      try {
        await bindTenant(tx, orgId);
      } catch (error) {
        await tx.rollback().execute();
        throw error;
      }
      const tasks: OpenTenant['tasks'] = [];
      const { db: _serviceRole, ...deps } = base;
      const ctx = {
        ...deps,
        db: tx,
        orgId,
        requestId: request.id,
        afterCommit: (task: () => Promise<void> | void) => {
          tasks.push(task);
        },
        ...(actor ? { actor } : {}),
      };
      request.tenant = { ctx, tx, tasks, done: false };
      return ctx;
    });

    /** Commits (then runs the after-commit tasks) or rolls back; a failed commit becomes the 500 it is. */
    async function finish(request: FastifyRequest, commit: boolean): Promise<void> {
      const open = request.tenant;
      if (!open || open.done) return;
      open.done = true;
      if (!commit) {
        await open.tx
          .rollback()
          .execute()
          .catch((error: unknown) => request.log.warn({ err: error }, 'tenant rollback failed'));
        return;
      }
      try {
        await open.tx.commit().execute();
      } catch (error) {
        // Kysely keeps the connection after a failed COMMIT; ROLLBACK releases it.
        await open.tx
          .rollback()
          .execute()
          .catch(() => undefined);
        throw error;
      }
      for (const task of open.tasks) {
        try {
          await task();
        } catch (error) {
          request.log.warn({ err: error }, 'a task after commit failed');
        }
      }
    }

    app.decorate('commitTenant', (request: FastifyRequest) => finish(request, true));

    // onSend runs before the first byte is written: a 2xx/3xx is only sent once its writes are durable.
    app.addHook('onSend', async (request, reply, payload) => {
      await finish(request, reply.statusCode < 400);
      return payload;
    });
    // A reply that skipped onSend (hijacked, or its socket failed) must not keep the connection.
    app.addHook('onResponse', async (request) => {
      if (request.tenant && !request.tenant.done) {
        request.log.warn('tenant transaction still open after the response; rolling back');
        await finish(request, false);
      }
    });
  },
  { name: 'tenant' },
);
