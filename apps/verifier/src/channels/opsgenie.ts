// Opsgenie Alert API v2: https://docs.opsgenie.com/docs/alert-api
// Create: POST /v2/alerts { message (130), alias (512), description (15000), entity, source,
// priority P1..P5, tags, details }; close and acknowledge: POST /v2/alerts/<alias>/close (or
// /acknowledge)?identifierType=alias { user, source, note }. Auth: `Authorization: GenieKey <key>`
// (https://docs.opsgenie.com/docs/authentication); EU accounts use api.eu.opsgenie.com. Requests
// are processed asynchronously: 202 `{ result, took, requestId }`; errors `{ message, took, requestId }`
// with 400/401/403/404/422, and 429 when rate limited (https://docs.opsgenie.com/docs/api-rate-limiting).
import type { AlertPayload, ChannelStored } from '@sentinelmesh/core';
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { clip, messageFacts } from './facts';
import { createGuardedPoster, httpUrl } from './http-post';
import { alertMessage } from './message';
import { parseAnswer, safeDetail, serviceResult } from './service-answer';

export const DEFAULT_OPSGENIE_API_URLS = {
  us: 'https://api.opsgenie.com',
  eu: 'https://api.eu.opsgenie.com',
};

export interface OpsgenieOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  /** The Alert API's base URL per account region. */
  apiUrls: { us: string; eu: string };
  timeoutMs?: number;
}

type OpsgenieConfig = ChannelStored<'opsgenie'>['config'];

/** The alert's alias: the incident id, so every notice of one incident is about one Opsgenie alert. */
const aliasOf = (payload: AlertPayload) => payload.incident?.id ?? `sentinelmesh-${payload.id}`;

const priorityOf = (payload: AlertPayload, config: OpsgenieConfig) =>
  payload.event === 'monitor.down' ? (config.priority ?? 'P1') : payload.event === 'test' ? 'P5' : 'P3';

/**
 * The request for an alert: where it goes (a path under the API) and its body. Up closes the
 * incident's Opsgenie alert, an acknowledgement acknowledges it, anything else creates it (a
 * second create with the same alias only counts again while it is open).
 */
export function opsgenieRequest(
  delivery: Pick<Delivery, 'payload'>,
  config: OpsgenieConfig,
  dashboardUrl: string,
) {
  const { payload } = delivery;
  const m = alertMessage(payload, dashboardUrl);
  const alias = aliasOf(payload);
  const action = (verb: 'close' | 'acknowledge', user: string | null, note: string) => ({
    path: `v2/alerts/${encodeURIComponent(alias)}/${verb}?identifierType=alias`,
    body: { source: 'SentinelMesh', ...(user ? { user: clip(user, 100) } : {}), note: clip(note, 25_000) },
  });
  if (payload.event === 'monitor.up') {
    return action('close', null, [m.title, m.duration, `Details: ${m.link}`].filter(Boolean).join('\n'));
  }
  if (payload.event === 'incident.acknowledged') {
    return action(
      'acknowledge',
      payload.acknowledgement?.by ?? null,
      `Acknowledged in SentinelMesh: ${m.acknowledged ?? ''}`,
    );
  }
  const description = [
    ...messageFacts(m).map(([label, value]) => `${label}: ${value}`),
    `Details: ${m.link}`,
    ...(m.ackLink ? [`Acknowledge in SentinelMesh: ${m.ackLink}`] : []),
  ].join('\n');
  return {
    path: 'v2/alerts',
    body: {
      message: clip(m.title, 130),
      alias,
      description: clip(description, 15_000),
      entity: clip(payload.monitor.name, 512),
      source: 'SentinelMesh',
      priority: priorityOf(payload, config),
      tags: ['sentinelmesh', m.label.toLowerCase()],
      details: {
        monitorId: payload.monitor.id,
        alertId: payload.id,
        link: m.link,
        ...(m.ackLink ? { ackUrl: m.ackLink } : {}),
      },
    },
  };
}

/** Opsgenie channel: the Alert API of the channel's region, with its API integration key (a secret). */
export function createOpsgenieAdapter(options: OpsgenieOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);
  const apis = { us: httpUrl(options.apiUrls.us), eu: httpUrl(options.apiUrls.eu) };

  const deliver = typedDeliver('opsgenie', 'missing Opsgenie API key', async (delivery) => {
    const apiKey = delivery.secrets?.apiKey;
    if (!apiKey) return refused('missing Opsgenie API key');
    const region = delivery.config.region ?? 'us';
    const api = apis[region];
    if (!api) return refused(`invalid Opsgenie API URL for region ${region}`);
    const request = opsgenieRequest(delivery, delivery.config, options.dashboardUrl);
    const url = new URL(request.path, `${api.href.replace(/\/+$/, '')}/`);
    const answer = await poster.post(url, JSON.stringify(request.body), {
      authorization: `GenieKey ${apiKey}`,
    });
    return serviceResult(answer, { detail: safeDetail(parseAnswer(answer.responseText)?.message) });
  });

  return { type: 'opsgenie', deliver, close: poster.close };
}
