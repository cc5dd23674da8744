// Incoming webhooks: https://developers.mattermost.com/integrate/webhooks/incoming/ and message
// attachments: https://developers.mattermost.com/integrate/reference/message-attachments/
// (200 with the text "ok"; errors as JSON {id, message, status_code}, e.g. 400 for a deleted hook).
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { attachmentBody, errorDetail } from './chat-text';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage, labelColors } from './message';

export interface MattermostOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

export function mattermostBody(delivery: Pick<Delivery, 'payload'>, dashboardUrl: string) {
  return {
    username: 'SentinelMesh',
    ...attachmentBody(alertMessage(delivery.payload, dashboardUrl), labelColors),
  };
}

/** Mattermost channel: posts to the channel's incoming-webhook URL (a secret). */
export function createMattermostAdapter(
  options: MattermostOptions,
): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('mattermost', 'invalid Mattermost webhook url', async (delivery) => {
    const url = httpUrl(delivery.secrets?.webhookUrl);
    if (!url) return refused('invalid Mattermost webhook url');
    const body = JSON.stringify(mattermostBody(delivery, options.dashboardUrl));
    const { responseText, ...result } = await poster.post(url, body, {});
    if (result.ok) return result;
    // Mattermost names the problem by an id (web.incoming_webhook.invalid.app_error): short and safe.
    const id = errorDetail(responseText, (b) => b.id);
    return {
      ...result,
      error: `${result.error ?? 'delivery failed'}${id ? ` (${id})` : ''}`,
      permanent: result.permanent || isPermanentStatus(result.statusCode),
    };
  });

  return { type: 'mattermost', deliver, close: poster.close };
}
