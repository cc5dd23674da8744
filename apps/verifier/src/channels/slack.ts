import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage } from './message';

export interface SlackOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

const emoji: Record<string, string> = {
  DOWN: ':red_circle:',
  UP: ':large_green_circle:',
  FLAPPING: ':warning:',
  'STILL DOWN': ':red_circle:',
  ACKNOWLEDGED: ':eyes:',
  TEST: ':wave:',
};

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The incoming-webhook body: a readable `text` (also the notification preview) and the same as blocks. */
export function slackBody(delivery: Delivery, dashboardUrl: string) {
  const m = alertMessage(delivery.payload, dashboardUrl);
  const lines = [
    `${emoji[m.label] ?? ''} *${escapeMrkdwn(m.title)}*`.trim(),
    ...(m.target ? [`Target: ${escapeMrkdwn(m.target)}`] : []),
    ...(m.cause ? [`Cause: ${escapeMrkdwn(m.cause)}`] : []),
    ...(m.duration ? [`Duration: ${escapeMrkdwn(m.duration)}`] : []),
    ...(m.acknowledged ? [`Acknowledged by: ${escapeMrkdwn(m.acknowledged)}`] : []),
    `<${m.link}|Open in SentinelMesh>`,
    ...(m.ackLink ? [`<${m.ackLink}|Acknowledge>`] : []),
  ];
  const text = lines.join('\n');
  // A link button: Slack opens the URL in the browser (the page asks before acknowledging).
  const ackButton = m.ackLink
    ? [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Acknowledge' },
              url: m.ackLink,
              style: 'primary',
            },
          ],
        },
      ]
    : [];
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, ...ackButton],
  };
}

/** Slack channel: posts to the channel's incoming-webhook URL (a secret). */
export function createSlackAdapter(options: SlackOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('slack', 'invalid Slack webhook url', async (delivery) => {
    const url = httpUrl(delivery.secrets?.webhookUrl);
    if (!url) return refused('invalid Slack webhook url');
    const body = JSON.stringify(slackBody(delivery, options.dashboardUrl));
    const { responseText, ...result } = await poster.post(url, body, {});
    if (result.ok) return result;
    // Slack names the problem in the body (`invalid_token`, `channel_not_found`): short and safe to keep.
    const reason =
      responseText && /^[a-z_]{1,64}$/.test(responseText.trim()) ? `: ${responseText.trim()}` : '';
    return {
      ...result,
      error: `${result.error ?? 'delivery failed'}${reason}`,
      permanent: result.permanent || isPermanentStatus(result.statusCode),
    };
  });

  return { type: 'slack', deliver, close: poster.close };
}
