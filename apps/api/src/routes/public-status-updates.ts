import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { pageOf } from '../schemas/common';
import { incidentHistoryQuery, publicPageIncidentSchema } from '../schemas/status-page-incidents';
import {
  confirmAnswerSchema,
  subscribeAnswerSchema,
  subscribeBody,
  subscriptionTokenBody,
  unsubscribeAnswerSchema,
} from '../schemas/status-page-subscribers';
import { slugParams } from '../schemas/status-pages';
import { pageFeed, renderAtom, renderRss } from '../services/status-page-feed';
import { pageIncidentHistory } from '../services/status-page-incidents';
import {
  confirmSubscription,
  screenWebhookUrl,
  subscribeEmail,
  subscribeWebhook,
  unsubscribe,
} from '../services/status-page-subscribers';
import { PUBLIC_CLIENT_FACTOR } from './public';

const tags = ['status-pages'];
const xml = z.string().describe('XML');

/**
 * What a status page tells its visitors besides the page itself: incident history, feeds and
 * subscriptions. Limited like the page: per page and client, and per client over all pages.
 */
export const publicStatusUpdateRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (
  app,
  { ctx },
) => {
  const perPage = app.limiter('status-page', ctx.config.RATE_LIMIT_PER_MINUTE);
  const perClient = app.limiter('public-ip', ctx.config.RATE_LIMIT_PER_MINUTE * PUBLIC_CLIENT_FACTOR);
  // Subscriptions send mail to addresses the caller names: as tight as the account emails.
  const subscribePerClient = app.limiter('subscribe-ip', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE);
  const mailPerRecipient = app.limiter('subscribe-to', ctx.config.MAIL_RATE_LIMIT_PER_MINUTE);

  /** The page's tenant, after both limits; an unknown slug is a 404. */
  async function pageTenant(request: FastifyRequest, reply: FastifyReply, slug: string) {
    await perClient(request, reply, request.ip);
    await perPage(request, reply, `${slug}:${request.ip}`);
    const found = await ctx.db
      .selectFrom('status_pages')
      .select(['id', 'org_id'])
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (!found) throw apiErrors.notFound('status page');
    return { pageId: found.id, tenant: await app.openTenant(request, found.org_id) };
  }

  app.get(
    '/public/status-pages/:slug/history',
    {
      schema: {
        tags,
        summary: "A status page's incidents of the last 90 days",
        description: 'Newest first, each with its updates (newest first); paged with `nextCursor`.',
        security: [],
        params: slugParams,
        querystring: incidentHistoryQuery,
        response: { 200: pageOf(publicPageIncidentSchema) },
      },
    },
    async (request, reply) => {
      const { pageId, tenant } = await pageTenant(request, reply, request.params.slug);
      const page = await pageIncidentHistory(tenant, pageId, request.query);
      return reply.header('cache-control', 'public, max-age=30').send(page);
    },
  );

  for (const format of ['rss', 'atom'] as const) {
    app.get(
      `/public/status-pages/:slug/feed.${format}`,
      {
        schema: {
          tags,
          summary: `A status page's ${format === 'rss' ? 'RSS 2.0' : 'Atom'} feed`,
          description: 'One entry per incident update of the last 90 days, newest first (at most 50).',
          security: [],
          params: slugParams,
          produces: [format === 'rss' ? 'application/rss+xml' : 'application/atom+xml'],
          response: { 200: xml },
        },
      },
      async (request, reply) => {
        const { tenant } = await pageTenant(request, reply, request.params.slug);
        const feed = await pageFeed(tenant, request.params.slug, format);
        return reply
          .header('cache-control', 'public, max-age=60')
          .type(`application/${format}+xml; charset=utf-8`)
          .serializer((body: string) => body)
          .send(format === 'rss' ? renderRss(feed) : renderAtom(feed));
      },
    );
  }

  app.post(
    '/public/status-pages/:slug/subscribers',
    {
      schema: {
        tags,
        summary: 'Subscribe to a status page',
        description:
          '`{ email }`: a confirmation link is emailed, and nothing else is sent to the address until it is followed; always 202, whether or not the address is subscribed already. `{ webhookUrl }`: subscribed at once (a public address, unless the deployment allows private targets); the signing secret is in the answer, once.',
        security: [],
        params: slugParams,
        body: subscribeBody,
        response: { 201: subscribeAnswerSchema, 202: subscribeAnswerSchema },
      },
    },
    async (request, reply) => {
      await subscribePerClient(request, reply, request.ip);
      const { body } = request;
      if ('email' in body) {
        await mailPerRecipient(request, reply, `${request.params.slug}:${body.email.toLowerCase()}`);
        const { pageId, tenant } = await pageTenant(request, reply, request.params.slug);
        await subscribeEmail(tenant, pageId, body.email);
        return reply.code(202).send({ status: 'confirmation_sent' as const });
      }
      // DNS before the transaction opens.
      await screenWebhookUrl(ctx, body.webhookUrl);
      const { pageId, tenant } = await pageTenant(request, reply, request.params.slug);
      const created = await subscribeWebhook(tenant, pageId, body.webhookUrl);
      return reply.code(201).send({ status: 'subscribed' as const, ...created });
    },
  );

  app.post(
    '/public/status-page-subscriptions/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm an email subscription with the emailed token',
        description: 'The token is single-use and valid 48 hours.',
        security: [],
        body: subscriptionTokenBody,
        response: { 200: confirmAnswerSchema },
      },
    },
    async (request, reply) => {
      await subscribePerClient(request, reply, request.ip);
      return confirmSubscription(ctx, request.body.token);
    },
  );

  // RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` as a form, with the token in the URL.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'multipart/form-data'],
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, _body, done) => done(null, {}),
  );
  app.post(
    '/public/status-page-subscriptions/unsubscribe',
    {
      schema: {
        tags,
        summary: 'Unsubscribe (one click)',
        description:
          'The token from the message, as `?token=` (the List-Unsubscribe target of RFC 8058, which mail clients POST as a form) or as `{ token }`. Unsubscribing twice is fine.',
        security: [],
        querystring: z.object({ token: z.string().min(1).max(512).optional() }),
        body: z.looseObject({ token: z.string().min(1).max(512).optional() }).nullish(),
        response: { 200: unsubscribeAnswerSchema },
      },
    },
    async (request, reply) => {
      await subscribePerClient(request, reply, request.ip);
      const token = request.query.token ?? request.body?.token;
      if (!token) throw apiErrors.invalidLink('unsubscribe');
      await unsubscribe(ctx, token);
      return { unsubscribed: true as const };
    },
  );
};
