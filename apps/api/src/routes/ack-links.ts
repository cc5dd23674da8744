import { AckLinks } from '@sentinelmesh/platform';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { type AckLinkState, ackLinkState, acknowledgeByLink } from '../services/ack-links';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A small page: no script, no style, nothing loaded (the API's content security policy forbids it). */
function page(title: string, body: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)} · SentinelMesh</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  ].join('');
}

function statePage(state: AckLinkState, justNow: boolean): { status: number; html: string } {
  const monitor = escapeHtml(state.monitorName ?? 'this monitor');
  switch (state.state) {
    case 'open':
      return {
        status: 200,
        html: page(
          `Acknowledge the incident of ${state.monitorName ?? 'this monitor'}?`,
          `<p>${monitor} is down. Acknowledging tells the people alerted that someone is on it and stops the escalation and reminders.</p>` +
            '<form method="post"><button type="submit">Acknowledge</button></form>',
        ),
      };
    case 'acknowledged':
      return {
        status: 200,
        html: page(
          justNow ? 'Acknowledged' : 'Already acknowledged',
          `<p>The incident of ${monitor} was acknowledged by ${escapeHtml(state.by ?? 'someone')} at ${escapeHtml(state.at ?? '')}.</p>`,
        ),
      };
    case 'resolved':
      return {
        status: 410,
        html: page(
          'Incident resolved',
          `<p>${monitor} is up again: there is nothing left to acknowledge.</p>`,
        ),
      };
    default:
      return { status: 404, html: page('Link not valid', '<p>This acknowledge link is not valid.</p>') };
  }
}

const send = (reply: FastifyReply, { status, html }: { status: number; html: string }) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);

/**
 * A token's shape (`<claim>.<signature>`, base64url): anything else is a malformed request and gets a
 * problem; a well-formed token that is not genuine gets the "not valid" page a person can read.
 */
const tokenParams = z.object({
  token: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_-]{60,80}\.[A-Za-z0-9_-]{20,40}$/, 'an acknowledge token: <claim>.<signature>'),
});

/**
 * One-click acknowledge links (ADR 0034), without signing in: the signed token names the incident
 * and its recipient. GET only shows a page with a button (link previews and mail scanners fetch
 * links), the button's POST acknowledges. Limited per client address like the public pages.
 */
export const ackLinkRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const links = new AckLinks(ctx.config.SECRETS_KEY);
  const perClient = app.limiter('ack-link', ctx.config.RATE_LIMIT_PER_MINUTE);
  // The page's form posts an empty urlencoded body; nothing in it is read.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_r, _b, done) => done(null, {}),
  );
  const schema = (summary: string) => ({
    tags: ['incidents'],
    summary,
    security: [],
    params: tokenParams,
    produces: ['text/html'],
    response: { 200: z.string(), 404: z.string(), 410: z.string() },
  });

  app.get(
    '/ack/:token',
    { schema: schema('The page of a one-click acknowledge link (a button that POSTs)') },
    async (request, reply) => {
      await perClient(request, reply, request.ip);
      const claim = links.read(request.params.token);
      if (!claim)
        return send(reply, statePage({ state: 'gone', monitorName: null, by: null, at: null }, false));
      const state = await ackLinkState(await app.openTenant(request, claim.orgId), claim);
      return send(reply, statePage(state, false));
    },
  );

  app.post(
    '/ack/:token',
    { schema: schema('Acknowledge the incident of a one-click acknowledge link, as its recipient') },
    async (request, reply) => {
      await perClient(request, reply, request.ip);
      const claim = links.read(request.params.token);
      if (!claim)
        return send(reply, statePage({ state: 'gone', monitorName: null, by: null, at: null }, false));
      const state = await acknowledgeByLink(await app.openTenant(request, claim.orgId), claim);
      return send(reply, statePage(state, true));
    },
  );
};
