// Client-server API, "send a message event":
// https://spec.matrix.org/v1.11/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid
// (m.room.message with msgtype m.text and an HTML formatted_body; errors as {errcode, error}).
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { errorDetail, escapeHtml, labelEmoji, messageFacts, noMentions } from './chat-text';
import { createGuardedPoster, httpUrl, isPermanentStatus, MAX_RETRY_AFTER_MS } from './http-post';
import { alertMessage, labelColors } from './message';

export interface MatrixOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

/** The `m.room.message` content: plain `body` (the notification preview) and the same in HTML. */
export function matrixContent(delivery: Pick<Delivery, 'payload'>, dashboardUrl: string) {
  const m = alertMessage(delivery.payload, dashboardUrl);
  const title = noMentions(`${labelEmoji[m.label] ?? ''} ${m.title}`.trim());
  const facts = messageFacts(m).map(([label, value]) => [label, noMentions(value)] as const);
  const body = [
    title,
    ...facts.map(([label, value]) => `${label}: ${value}`),
    `Details: ${m.link}`,
    ...(m.ackLink ? [`Acknowledge: ${m.ackLink}`] : []),
  ].join('\n');
  const links = [
    `<a href="${escapeHtml(m.link)}">Open in SentinelMesh</a>`,
    ...(m.ackLink ? [`<a href="${escapeHtml(m.ackLink)}">Acknowledge</a>`] : []),
  ].join(' · ');
  const formatted = [
    `<p><strong><font data-mx-color="${labelColors[m.label] ?? '#333333'}">${escapeHtml(title)}</font></strong></p>`,
    facts.length > 0
      ? `<ul>${facts.map(([label, value]) => `<li><b>${label}:</b> ${escapeHtml(value)}</li>`).join('')}</ul>`
      : '',
    `<p>${links}</p>`,
  ].join('');
  return { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: formatted };
}

/** The send URL; the transaction id is the alert id, so a retried delivery is the same event. */
export function matrixSendUrl(homeserverUrl: URL, roomId: string, alertId: string): URL {
  const base = homeserverUrl.href.replace(/\/+$/, '');
  return new URL(
    `${base}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(alertId)}`,
  );
}

/**
 * Matrix channel: sends the alert into a room as the bot account (its access token is the secret).
 * 200 is success; M_LIMIT_EXCEEDED's `retry_after_ms` holds the channel back; an unknown token or
 * a room the bot is not in (401, 403) is permanent.
 */
export function createMatrixAdapter(options: MatrixOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('matrix', 'invalid Matrix settings', async (delivery) => {
    const homeserver = httpUrl(delivery.config.homeserverUrl);
    const token = delivery.secrets?.accessToken;
    if (!homeserver || !token) return refused('invalid Matrix settings');
    const url = matrixSendUrl(homeserver, delivery.config.roomId, delivery.alertId);
    const body = JSON.stringify(matrixContent(delivery, options.dashboardUrl));
    const { responseText, ...result } = await poster.post(
      url,
      body,
      { authorization: `Bearer ${token}` },
      'PUT',
    );
    if (result.ok) return result;
    const errcode = errorDetail(responseText, (b) => b.errcode);
    const wait = errorDetail(responseText, (b) => b.retry_after_ms);
    const retryAfterMs =
      wait !== null && Number(wait) >= 0 ? Math.min(Number(wait), MAX_RETRY_AFTER_MS) : result.retryAfterMs;
    return {
      ...result,
      error: `${result.error ?? 'delivery failed'}${errcode ? ` (${errcode})` : ''}`,
      permanent: result.permanent || isPermanentStatus(result.statusCode),
      ...(result.statusCode === 429 && retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  });

  return { type: 'matrix', deliver, close: poster.close };
}
