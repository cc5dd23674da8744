// Gotify, push a message: https://gotify.net/docs/pushmsg (API: https://gotify.net/api-docs#/message/createMessage)
// POST <server>/message with `X-Gotify-Key: <application token>` and JSON { title, message,
// priority, extras }; extras (https://gotify.net/docs/msgextras): `client::display.contentType`
// text/markdown, `client::notification.click.url`. Answers 200 with the stored message; errors
// `{ error, errorCode, errorDescription }` (400 bad message, 401/403 bad token).
import type { ChannelStored } from '@sentinelmesh/core';
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { clip, messageFacts } from './facts';
import { createGuardedPoster, httpUrl } from './http-post';
import { alertMessage } from './message';
import { parseAnswer, safeDetail, serviceResult } from './service-answer';

export interface GotifyOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

/** Gotify priorities on the wire: its apps notify quietly below 4 and loudly from 8. */
const priorities = { min: 0, low: 2, default: 5, high: 8, max: 10 } as const;

/** Backslash-escapes what Markdown would read as markup. */
export const escapeMarkdown = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');

/** A link whose URL cannot end the Markdown early (CommonMark's `<…>` destination). */
const link = (text: string, url: string) => `[${text}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)`;

/** The message body: the title, the facts as Markdown, the links, and a tap opening the monitor. */
export function gotifyMessage(
  delivery: Pick<Delivery, 'payload'>,
  config: ChannelStored<'gotify'>['config'],
  dashboardUrl: string,
) {
  const { payload } = delivery;
  const m = alertMessage(payload, dashboardUrl);
  const chosen = priorities[config.priority ?? 'high'];
  const urgent = payload.event === 'monitor.down' || payload.event === 'monitor.flapping';
  const facts = messageFacts(m).map(([label, value]) => `**${label}:** ${escapeMarkdown(clip(value, 1000))}`);
  const links = [
    ...(m.ackLink ? [link('Acknowledge', m.ackLink)] : []),
    link('Open in SentinelMesh', m.link),
  ].join(' · ');
  return {
    title: clip(m.title, 250),
    message: [facts.join('  \n'), links].filter(Boolean).join('\n\n'),
    priority: urgent ? chosen : Math.min(chosen, priorities.default),
    extras: {
      'client::display': { contentType: 'text/markdown' },
      'client::notification': { click: { url: m.link } },
    },
  };
}

/** Gotify channel: posts to the channel's server with its application token (a secret). */
export function createGotifyAdapter(options: GotifyOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('gotify', 'invalid Gotify settings', async (delivery) => {
    const token = delivery.secrets?.appToken;
    if (!token) return refused('missing Gotify application token');
    const server = httpUrl(delivery.config.serverUrl);
    if (!server) return refused('invalid Gotify server url');
    const url = new URL('message', `${server.origin}${server.pathname.replace(/\/*$/, '/')}`);
    const body = gotifyMessage(delivery, delivery.config, options.dashboardUrl);
    const answer = await poster.post(url, JSON.stringify(body), { 'x-gotify-key': token });
    return serviceResult(answer, { detail: safeDetail(parseAnswer(answer.responseText)?.errorDescription) });
  });

  return { type: 'gotify', deliver, close: poster.close };
}
