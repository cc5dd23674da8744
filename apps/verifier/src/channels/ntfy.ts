// ntfy, publish as JSON: https://docs.ntfy.sh/publish/#publish-as-json
// POST <server>/ with { topic, title, message, priority 1..5, tags, click, actions }; action
// buttons: https://docs.ntfy.sh/publish/#action-buttons. Auth for protected topics: `Authorization:
// Bearer <token>` or Basic (https://docs.ntfy.sh/publish/#authentication). Answers 200 with the
// message as JSON; errors `{ code, http, error, link }` (400, 401, 403, 413; 429 when rate limited).
import { type ChannelStored, NTFY_DEFAULT_SERVER } from '@sentinelmesh/core';
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { clip, messageFacts } from './facts';
import { createGuardedPoster, httpUrl } from './http-post';
import { alertMessage } from './message';
import { parseAnswer, safeDetail, serviceResult } from './service-answer';

export interface NtfyOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

type NtfyStored = ChannelStored<'ntfy'>;

/** ntfy's priority names on the wire. */
const priorities = { min: 1, low: 2, default: 3, high: 4, max: 5 } as const;

/** Tags that ntfy shows as emoji before the title. */
const tags: Record<string, string> = {
  DOWN: 'rotating_light',
  UP: 'white_check_mark',
  FLAPPING: 'warning',
  ACKNOWLEDGED: 'eyes',
  TEST: 'wave',
};

/** The JSON message: title, the facts as its text, a tap opening the monitor, and an Acknowledge button. */
export function ntfyMessage(
  delivery: Pick<Delivery, 'payload'>,
  stored: Pick<NtfyStored, 'config'> & { topic: string },
  dashboardUrl: string,
) {
  const { payload } = delivery;
  const m = alertMessage(payload, dashboardUrl);
  const chosen = priorities[stored.config.priority ?? 'high'];
  const urgent = payload.event === 'monitor.down' || payload.event === 'monitor.flapping';
  const facts = messageFacts(m).map(([label, value]) => `${label}: ${clip(value, 1000)}`);
  return {
    topic: stored.topic,
    title: clip(m.title, 250),
    message: facts.length > 0 ? facts.join('\n') : 'Sent from SentinelMesh.',
    priority: urgent ? chosen : Math.min(chosen, priorities.default),
    tags: tags[m.label] ? [tags[m.label]] : [],
    click: m.link,
    actions: [
      ...(m.ackLink ? [{ action: 'view', label: 'Acknowledge', url: m.ackLink, clear: true }] : []),
      { action: 'view', label: 'Open in SentinelMesh', url: m.link },
    ],
  };
}

/** The `Authorization` header for a protected topic: its token, else its user and password, else none. */
export function ntfyAuth(stored: NtfyStored): Record<string, string> {
  if (stored.secrets?.accessToken) return { authorization: `Bearer ${stored.secrets.accessToken}` };
  if (stored.config.username && stored.secrets?.password) {
    const pair = `${stored.config.username}:${stored.secrets.password}`;
    return { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
  }
  return {};
}

/** ntfy channel: publishes to the channel's topic (a secret) on its server, ntfy.sh by default. */
export function createNtfyAdapter(options: NtfyOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('ntfy', 'invalid ntfy settings', async (delivery) => {
    const topic = delivery.secrets?.topic;
    if (!topic) return refused('missing ntfy topic');
    const server = httpUrl(delivery.config.serverUrl ?? NTFY_DEFAULT_SERVER);
    if (!server) return refused('invalid ntfy server url');
    // JSON is published to the server's root (under its path, when it is served under one).
    const url = new URL(`${server.origin}${server.pathname.replace(/\/*$/, '/')}`);
    const body = ntfyMessage(delivery, { config: delivery.config, topic }, options.dashboardUrl);
    const answer = await poster.post(url, JSON.stringify(body), ntfyAuth(delivery));
    return serviceResult(answer, { detail: safeDetail(parseAnswer(answer.responseText)?.error) });
  });

  return { type: 'ntfy', deliver, close: poster.close };
}
