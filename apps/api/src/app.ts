import { randomUUID } from 'node:crypto';
import { type Db, pingDatabase } from '@sentinelmesh/db';
import {
  createMetricsRegistry,
  DeploymentRegions,
  type Logger,
  type RedisClient,
  registerOpsRoutes,
  SecretBox,
} from '@sentinelmesh/platform';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { ApiConfig, Clock, ServiceContext } from './context';
import { frameworkErrors, registerErrorHandling } from './http/problems';
import { rejectUnstorableText } from './http/text-input';
import { authPlugin } from './plugins/auth';
import { metricsPlugin } from './plugins/metrics';
import { addProblemResponses, openapiPlugin } from './plugins/openapi';
import { ownedClientsPlugin } from './plugins/owned-clients';
import { rateLimitPlugin } from './plugins/rate-limit';
import { securityPlugin } from './plugins/security';
import { openCallerTenant, tenantPlugin } from './plugins/tenant';
import { ProbeGateway } from './probes/gateway';
import { ackLinkRoutes } from './routes/ack-links';
import { apiKeyRoutes } from './routes/api-keys';
import { authRoutes } from './routes/auth';
import { channelRoutes } from './routes/channels';
import { credentialRoutes } from './routes/credentials';
import { escalationPolicyRoutes } from './routes/escalation-policies';
import { eventRoutes, type LiveStreamOptions } from './routes/events';
import { exportRoutes } from './routes/exports';
import { heartbeatRoutes } from './routes/heartbeats';
import { incidentRoutes } from './routes/incidents';
import { invitationRoutes } from './routes/invitations';
import { locationRoutes } from './routes/locations';
import { maintenanceWindowRoutes } from './routes/maintenance-windows';
import { managedRoutes } from './routes/managed';
import { memberRoutes } from './routes/members';
import { monitorGroupRoutes } from './routes/monitor-groups';
import { monitorRoutes } from './routes/monitors';
import { myInvitationRoutes } from './routes/my-invitations';
import { oncallRotationRoutes } from './routes/oncall-rotations';
import { probeGatewayRoutes } from './routes/probe-gateway';
import { probeMetricsRoutes } from './routes/probe-metrics';
import { publicRoutes } from './routes/public';
import { publicBadgeRoutes } from './routes/public-badges';
import { publicDomainRoutes } from './routes/public-domains';
import { publicStatusUpdateRoutes } from './routes/public-status-updates';
import { regionRoutes } from './routes/regions';
import { reportSubscriptionRoutes } from './routes/report-subscriptions';
import { reportRoutes } from './routes/reports';
import { setupRoutes } from './routes/setup';
import { statsRoutes } from './routes/stats';
import { statusPageIncidentRoutes } from './routes/status-page-incidents';
import { statusPageRoutes } from './routes/status-pages';
import { usageRoutes } from './routes/usage';
import { createMailer, type Mailer } from './services/mailer';
import { createPasswordHasher } from './services/passwords';
import { StatusPageCache } from './services/status-page-cache';

export const BODY_LIMIT_BYTES = 256 * 1024;
const API_VERSION = '1.0.0';

export interface AppDeps {
  config: ApiConfig;
  /** Owned by the app from now on: closing the app closes it. */
  db: Db;
  /** Owned by the app from now on: closing the app closes it. */
  redis: RedisClient;
  logger: Logger;
  clock?: Clock;
  registry?: Registry;
  /** Account emails; by default SMTP_URL's server, or the log when it is unset. Closed with the app. */
  mailer?: Mailer;
  /** Bounds and timings of the live event streams (tests shorten them). */
  live?: LiveStreamOptions;
  /** Timings of the probe gateway's polls (tests shorten them). */
  probes?: { pollWaitMs?: number; recheckMs?: number };
}

const OPS_PATHS = new Set(['/health', '/ready', '/metrics']);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Fastify's form of TRUST_PROXY: a hop count trusts that many hops nearest the API. */
function trustProxyOption(setting: ApiConfig['TRUST_PROXY']) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}

/** Builds the API without listening, so tests can `inject` requests. */
export async function buildApp(deps: AppDeps) {
  const clock = deps.clock ?? { now: () => new Date() };
  const registry = deps.registry ?? createMetricsRegistry('api');
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(deps.config.TRUST_PROXY),
    requestIdHeader: false,
    frameworkErrors,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes hit these every few seconds; their lines would drown the useful ones.
      disableRequestLogging: (request) => OPS_PATHS.has(request.url),
    }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  // JSON only: any other body type is a 415, not a string handed to the validators.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', rejectUnstorableText);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(ownedClientsPlugin, { db: deps.db, redis: deps.redis });
  await app.register(metricsPlugin, { registry, token: deps.config.METRICS_TOKEN });
  await app.register(securityPlugin, { dashboardOrigin: deps.config.DASHBOARD_ORIGIN });
  await app.register(rateLimitPlugin, { redis: deps.redis, prefix: deps.config.QUEUE_PREFIX });
  // Before the OpenAPI plugin, so the operational routes stay out of the public document.
  registerOpsRoutes(app, {
    registry,
    metrics: false,
    checks: {
      postgres: () => pingDatabase(deps.db),
      redis: () => deps.redis.ping(),
    },
  });
  app.addHook('onRoute', addProblemResponses);
  await app.register(openapiPlugin, { version: API_VERSION });
  await app.register(authPlugin, {
    secret: deps.config.JWT_SECRET,
    db: deps.db,
    clock,
    limit: app.limiter('credential', deps.config.RATE_LIMIT_PER_MINUTE),
  });

  const regions = new DeploymentRegions({ db: deps.db, fixed: deps.config.REGIONS, logger: deps.logger });
  await regions.start();
  app.addHook('onClose', () => regions.close());
  const box = new SecretBox(deps.config.SECRETS_KEY);
  const ctx: ServiceContext = {
    db: deps.db,
    redis: deps.redis,
    config: deps.config,
    clock,
    logger: deps.logger,
    box,
    regions,
    passwords: createPasswordHasher(deps.config.PASSWORD_HASH_LOG2_N),
    mailer:
      deps.mailer ??
      createMailer({ smtpUrl: deps.config.SMTP_URL, from: deps.config.SMTP_FROM, logger: deps.logger }),
  };
  app.addHook('onClose', () => ctx.mailer.close());
  const statusPageCache = new StatusPageCache(ctx);
  app.decorate('statusPageCache', statusPageCache);
  app.addHook('onClose', () => statusPageCache.close());
  await app.register(tenantPlugin, { db: deps.db, ctx });

  // Org-scoped routes: each authenticated request runs in one tenant transaction, opened by this
  // scope's hook and finished before the reply (ADR 0014).
  await app.register(async (tenantScope) => {
    tenantScope.addHook('preHandler', openCallerTenant);
    for (const routes of [
      monitorRoutes,
      monitorGroupRoutes,
      incidentRoutes,
      maintenanceWindowRoutes,
      memberRoutes,
      invitationRoutes,
      apiKeyRoutes,
      channelRoutes,
      escalationPolicyRoutes,
      statsRoutes,
      statusPageRoutes,
      statusPageIncidentRoutes,
      managedRoutes,
      usageRoutes,
      regionRoutes,
      locationRoutes,
      oncallRotationRoutes,
      probeMetricsRoutes,
      exportRoutes,
      reportRoutes,
      reportSubscriptionRoutes,
    ]) {
      await tenantScope.register(routes, { prefix: '/v1', ctx });
    }
  });
  // Account-level and unauthenticated routes work on the service role; the public page and heartbeat
  // pings open their tenant transaction once their token or slug names the organization.
  await app.register(authRoutes, { prefix: '/v1', ctx });
  await app.register(credentialRoutes, { prefix: '/v1', ctx });
  await app.register(myInvitationRoutes, { prefix: '/v1', ctx });
  await app.register(eventRoutes, { prefix: '/v1', ctx, ...(deps.live ? { live: deps.live } : {}) });
  await app.register(publicRoutes, { prefix: '/v1', ctx });
  await app.register(publicStatusUpdateRoutes, { prefix: '/v1', ctx });
  await app.register(publicDomainRoutes, { prefix: '/v1', ctx });
  await app.register(publicBadgeRoutes, { prefix: '/v1', ctx });
  await app.register(ackLinkRoutes, { prefix: '/v1', ctx });
  await app.register(setupRoutes, { prefix: '/v1', ctx });
  await app.register(heartbeatRoutes, { prefix: '/v1', ctx });
  const gateway = new ProbeGateway({
    db: deps.db,
    redis: deps.redis,
    prefix: deps.config.QUEUE_PREFIX,
    box,
    logger: deps.logger,
    clock,
    allowPrivateTargets: deps.config.ALLOW_PRIVATE_TARGETS,
    ...deps.probes,
  });
  await gateway.start();
  // Before the clients close (the hooks run in reverse order): polls end, results in hand are written.
  app.addHook('onClose', () => gateway.close());
  await app.register(probeGatewayRoutes, { prefix: '/v1', ctx, gateway });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
