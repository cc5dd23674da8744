// Pushover Message API: https://pushover.net/api
// POST https://api.pushover.net/1/messages.json, form-encoded: token, user, message (1024), title
// (250), url (512), url_title (100), priority -2..2 (2 needs retry and expire), html=1
// (https://pushover.net/api#html), timestamp, device. Answers 200 `{ status: 1, request }`; a 4xx
// `{ status: 0, errors: [...], request }` must not be retried as it is; 429 when the application's
// message limit is used up (https://pushover.net/api#limits); 5xx may be retried.
import type { ChannelStored } from '@sentinelmesh/core';
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { clip, messageFacts } from './facts';
import { createGuardedPoster, httpUrl } from './http-post';
import { alertMessage } from './message';
import { parseAnswer, safeDetail, serviceResult } from './service-answer';

export const DEFAULT_PUSHOVER_API_URL = 'https://api.pushover.net';

export interface PushoverOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  apiUrl: string;
  timeoutMs?: number;
}

/** Pushover's priority names on the wire. */
const priorities = { lowest: -2, low: -1, normal: 0, high: 1, emergency: 2 } as const;
/** How an emergency alert repeats until it is acknowledged in Pushover: every minute, for an hour. */
const EMERGENCY = { retry: '60', expire: '3600' };
/** How long a fact may be, so the whole message stays within Pushover's 1024 characters. */
const FACT_LIMITS: Record<string, number> = { Cause: 400, Target: 200 };

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The form fields of a message: the title, the facts in HTML, and the link a tap opens, which is
 * the Acknowledge link when the alert carries one (the monitor's link is then in the text).
 */
export function pushoverForm(
  delivery: Pick<Delivery, 'payload'>,
  stored: Pick<ChannelStored<'pushover'>, 'config'> & { userKey: string; appToken: string },
  dashboardUrl: string,
): Record<string, string> {
  const { payload } = delivery;
  const m = alertMessage(payload, dashboardUrl);
  const urgent = payload.event === 'monitor.down' || payload.event === 'monitor.flapping';
  const chosen = priorities[stored.config.priority ?? 'high'];
  const priority = urgent ? chosen : Math.min(chosen, priorities.normal);
  const ackFirst = m.ackLink !== null && m.ackLink.length <= 512;
  const lines = [
    ...messageFacts(m).map(
      ([label, value]) => `<b>${label}:</b> ${escapeHtml(clip(value, FACT_LIMITS[label] ?? 150))}`,
    ),
    ...(m.ackLink && !ackFirst ? [`<a href="${escapeHtml(m.ackLink)}">Acknowledge</a>`] : []),
    ...(ackFirst ? [`<a href="${escapeHtml(m.link)}">Open in SentinelMesh</a>`] : []),
  ];
  return {
    token: stored.appToken,
    user: stored.userKey,
    title: clip(m.title, 250),
    message: lines.length > 0 ? lines.join('\n') : 'Sent from SentinelMesh.',
    html: '1',
    url: ackFirst && m.ackLink ? m.ackLink : m.link,
    url_title: ackFirst ? 'Acknowledge' : 'Open in SentinelMesh',
    priority: String(priority),
    ...(priority === priorities.emergency ? EMERGENCY : {}),
    timestamp: String(Math.floor(Date.parse(payload.occurredAt) / 1000)),
    ...(stored.config.device ? { device: stored.config.device } : {}),
  };
}

/** Pushover channel: sends with the channel's application token to its user or group (both secrets). */
export function createPushoverAdapter(options: PushoverOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);
  const api = httpUrl(options.apiUrl);

  const deliver = typedDeliver('pushover', 'missing Pushover user key or app token', async (delivery) => {
    const secrets = delivery.secrets;
    if (!secrets) return refused('missing Pushover user key or app token');
    if (!api) return refused('invalid PUSHOVER_API_URL');
    const url = new URL('1/messages.json', `${api.href.replace(/\/+$/, '')}/`);
    const form = pushoverForm(delivery, { config: delivery.config, ...secrets }, options.dashboardUrl);
    const answer = await poster.post(url, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const errors = parseAnswer(answer.responseText)?.errors;
    return serviceResult(answer, { detail: safeDetail(Array.isArray(errors) ? errors[0] : null) });
  });

  return { type: 'pushover', deliver, close: poster.close };
}
