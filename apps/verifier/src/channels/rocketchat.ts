// Incoming webhook integrations: https://docs.rocket.chat/docs/integrations (POST /hooks/<id>/<token>
// with a Slack-style body: text and attachments; 200 {"success":true}; an unknown id or token is
// 404 {"success":false,"error":"Invalid integration id or token provided."}).
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { attachmentBody, errorDetail } from './chat-text';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage, labelColors } from './message';

export interface RocketChatOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

export function rocketChatBody(delivery: Pick<Delivery, 'payload'>, dashboardUrl: string) {
  return {
    alias: 'SentinelMesh',
    ...attachmentBody(alertMessage(delivery.payload, dashboardUrl), labelColors),
  };
}

/** Rocket.Chat channel: posts to the integration's webhook URL (a secret). */
export function createRocketChatAdapter(
  options: RocketChatOptions,
): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('rocketchat', 'invalid Rocket.Chat webhook url', async (delivery) => {
    const url = httpUrl(delivery.secrets?.webhookUrl);
    if (!url) return refused('invalid Rocket.Chat webhook url');
    const body = JSON.stringify(rocketChatBody(delivery, options.dashboardUrl));
    const { responseText, ...result } = await poster.post(url, body, {});
    // A 200 whose body says `success: false` is a refusal too (an integration script may answer so).
    const refusedInBody = result.ok && errorDetail(responseText, (b) => String(b.success)) === 'false';
    if (result.ok && !refusedInBody) return result;
    const reason = errorDetail(responseText, (b) => b.error);
    const failure = result.ok ? `HTTP ${result.statusCode}` : (result.error ?? 'delivery failed');
    return {
      ...result,
      ok: false,
      error: `${failure}${reason ? `: ${reason}` : ''}`,
      permanent: result.permanent || refusedInBody || isPermanentStatus(result.statusCode),
    };
  });

  return { type: 'rocketchat', deliver, close: poster.close };
}
