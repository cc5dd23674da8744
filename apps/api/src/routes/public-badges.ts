import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type BadgeText, latencyBadge, statusBadge, uptimeBadge } from '../badges/messages';
import { badgeColors, renderBadge } from '../badges/svg';
import type { ServiceContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { slugParams } from '../schemas/status-pages';
import { monitorStats } from '../services/stats';
import { badgeMonitor } from '../services/status-page-public';
import { statusPageOrg } from '../services/status-pages';
import { publicPageLimits } from './public-limits';

const tags = ['status-pages'];
const params = slugParams.extend({ monitorId: z.string().max(64) });
const windows = ['24h', '7d', '30d', '90d'] as const;
const windowQuery = z.object({
  window: z.enum(windows).default('24h').describe('the window the figure covers, ending now'),
});
const svg = z.any().describe('image/svg+xml: the badge');
const BADGE_CACHE_SECONDS = 60;

const shieldsSchema = z.object({
  schemaVersion: z.literal(1),
  label: z.string(),
  message: z.string(),
  color: z.string(),
  cacheSeconds: z.number().int(),
});

type Metric = 'status' | 'uptime' | 'latency';

/** The badge of one metric of a monitor on a page with badges on (else 404). */
async function badgeText(
  tenant: TenantContext,
  slug: string,
  monitorId: string,
  metric: Metric,
  window: (typeof windows)[number],
): Promise<BadgeText> {
  const monitor = await badgeMonitor(tenant, slug, monitorId);
  if (metric === 'status') return statusBadge(monitor.name, monitor.state);
  const stats = await monitorStats(tenant, { monitorId: monitor.id, range: { window } });
  return metric === 'uptime'
    ? uptimeBadge(monitor.name, window, stats.uptimePercent)
    : latencyBadge(monitor.name, window, stats.latencyMs.p95);
}

/**
 * SVG badges and shields.io endpoint JSON of a page's monitors, when the page turns badges on. Limited
 * like the page itself; cached by browsers and CDNs for a minute.
 */
export const publicBadgeRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const limit = publicPageLimits(app, ctx);

  async function resolve(
    request: Parameters<typeof limit>[0],
    reply: Parameters<typeof limit>[1],
    metric: Metric,
    window: (typeof windows)[number],
  ) {
    const { slug, monitorId } = request.params as z.infer<typeof params>;
    await limit(request, reply, slug);
    const orgId = await statusPageOrg(ctx, slug);
    if (!orgId) throw apiErrors.notFound('badge');
    const tenant = await app.openTenant(request, orgId);
    return badgeText(tenant, slug, monitorId.toLowerCase(), metric, window);
  }

  const sendSvg = (reply: Parameters<typeof limit>[1], text: BadgeText) =>
    reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('cache-control', `public, max-age=${BADGE_CACHE_SECONDS}`)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(renderBadge({ label: text.label, message: text.message, color: badgeColors[text.color] }));

  app.get(
    '/public/badges/:slug/:monitorId/status.svg',
    {
      schema: {
        tags,
        summary: 'A status badge (SVG)',
        security: [],
        params,
        produces: ['image/svg+xml'],
        response: { 200: svg },
      },
    },
    async (request, reply) => sendSvg(reply, await resolve(request, reply, 'status', '24h')),
  );

  const figures = [
    ['uptime', 'An uptime badge (SVG), as the stats API computes it'],
    ['latency', 'A p95 latency badge (SVG), as the stats API computes it'],
  ] as const;
  for (const [metric, summary] of figures) {
    app.get(
      `/public/badges/:slug/:monitorId/${metric}.svg`,
      {
        schema: {
          tags,
          summary,
          security: [],
          params,
          querystring: windowQuery,
          produces: ['image/svg+xml'],
          response: { 200: svg },
        },
      },
      async (request, reply) => sendSvg(reply, await resolve(request, reply, metric, request.query.window)),
    );
  }

  app.get(
    '/public/badges/:slug/:monitorId/shields.json',
    {
      schema: {
        tags,
        summary: 'A shields.io endpoint badge (https://shields.io/badges/endpoint-badge)',
        security: [],
        params,
        querystring: windowQuery.extend({
          metric: z.enum(['status', 'uptime', 'latency']).default('status'),
        }),
        response: { 200: shieldsSchema },
      },
    },
    async (request, reply) => {
      const text = await resolve(request, reply, request.query.metric, request.query.window);
      return reply.header('cache-control', `public, max-age=${BADGE_CACHE_SECONDS}`).send({
        schemaVersion: 1 as const,
        label: text.label,
        message: text.message,
        color: text.color,
        cacheSeconds: BADGE_CACHE_SECONDS,
      });
    },
  );
};
