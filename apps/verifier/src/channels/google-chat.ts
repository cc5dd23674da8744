// Space webhooks: https://developers.google.com/workspace/chat/quickstart/webhooks and the message
// resource: https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create
// (text and cardsV2; thread.threadKey with messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD;
// 200 with the created message; errors as {error: {code, message, status}}, 429 RESOURCE_EXHAUSTED).
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { errorDetail, escapeHtml, labelEmoji, messageFacts } from './chat-text';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage } from './message';

export interface GoogleChatOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

const button = (text: string, url: string) => ({ text, onClick: { openLink: { url } } });

/**
 * The message: `text` (the notification preview) and one card with the facts and the buttons. Every
 * alert of one incident carries the incident's thread key, so its down, acknowledgement and up share
 * a thread.
 */
export function googleChatBody(delivery: Pick<Delivery, 'payload'>, dashboardUrl: string) {
  const { payload } = delivery;
  const m = alertMessage(payload, dashboardUrl);
  const title = `${labelEmoji[m.label] ?? ''} ${m.title}`.trim();
  return {
    text: title,
    cardsV2: [
      {
        cardId: `alert-${payload.id}`,
        card: {
          header: {
            title: m.title,
            subtitle: `SentinelMesh · ${m.occurredAt.slice(0, 19).replace('T', ' ')} UTC`,
          },
          sections: [
            {
              widgets: [
                // Card text takes a little HTML: values are escaped.
                ...messageFacts(m).map(([label, value]) => ({
                  decoratedText: { topLabel: label, text: escapeHtml(value), wrapText: true },
                })),
                {
                  buttonList: {
                    buttons: [
                      button('Open in SentinelMesh', m.link),
                      ...(m.ackLink ? [button('Acknowledge', m.ackLink)] : []),
                    ],
                  },
                },
              ],
            },
          ],
        },
      },
    ],
    thread: {
      threadKey: payload.incident
        ? `sentinelmesh-incident-${payload.incident.id}`
        : `sentinelmesh-${payload.id}`,
    },
  };
}

/** The webhook URL asking Google Chat to reply in the thread of the key (or start it). */
export function googleChatUrl(webhookUrl: URL): URL {
  const url = new URL(webhookUrl);
  url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return url;
}

/** Google Chat channel: posts to the space's webhook URL (a secret: it carries the key and token). */
export function createGoogleChatAdapter(
  options: GoogleChatOptions,
): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('google-chat', 'invalid Google Chat webhook url', async (delivery) => {
    const url = httpUrl(delivery.secrets?.webhookUrl);
    if (!url) return refused('invalid Google Chat webhook url');
    const body = JSON.stringify(googleChatBody(delivery, options.dashboardUrl));
    const { responseText, ...result } = await poster.post(googleChatUrl(url), body, {
      'content-type': 'application/json; charset=UTF-8',
    });
    if (result.ok) return result;
    const status = errorDetail(responseText, (b) => (b.error as { status?: unknown } | undefined)?.status);
    return {
      ...result,
      error: `${result.error ?? 'delivery failed'}${status ? ` (${status})` : ''}`,
      permanent: result.permanent || isPermanentStatus(result.statusCode),
    };
  });

  return { type: 'google-chat', deliver, close: poster.close };
}
