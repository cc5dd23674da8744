// Microsoft Teams through a Workflows (Power Automate) webhook, "Send webhook alerts to a channel":
// https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498
// The body is a message with one Adaptive Card attachment:
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
// The flow's trigger answers 202 Accepted; a bad signature 401, a deleted flow 404, throttling 429
// with Retry-After; errors carry `{ error: { code, message } }`.
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { clip, messageFacts } from './facts';
import { createGuardedPoster, httpUrl } from './http-post';
import { alertMessage } from './message';
import { parseAnswer, retryAfterHeaderMs, safeDetail, serviceResult } from './service-answer';

export interface TeamsOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

/** Adaptive Card text colours for each label. */
const colors: Record<string, string> = {
  DOWN: 'Attention',
  UP: 'Good',
  FLAPPING: 'Warning',
  ACKNOWLEDGED: 'Accent',
  TEST: 'Accent',
};

/** The Workflows body: one Adaptive Card (1.4, what Teams renders on desktop and phone) with the facts and buttons. */
export function teamsMessage(delivery: Pick<Delivery, 'payload'>, dashboardUrl: string) {
  const m = alertMessage(delivery.payload, dashboardUrl);
  const actions = [
    ...(m.ackLink
      ? [{ type: 'Action.OpenUrl', title: 'Acknowledge', url: m.ackLink, style: 'positive' }]
      : []),
    { type: 'Action.OpenUrl', title: 'Open in SentinelMesh', url: m.link },
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          fallbackText: m.title,
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: m.title,
              size: 'Medium',
              weight: 'Bolder',
              color: colors[m.label] ?? 'Default',
              wrap: true,
            },
            {
              type: 'FactSet',
              facts: messageFacts(m).map(([title, value]) => ({ title, value: clip(value, 1000) })),
            },
            { type: 'TextBlock', text: m.occurredAt, isSubtle: true, size: 'Small', wrap: true },
          ],
          actions,
        },
      },
    ],
  };
}

/** Teams channel: posts the card to the channel's Workflows webhook URL (a secret). */
export function createTeamsAdapter(options: TeamsOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('teams', 'invalid Teams webhook url', async (delivery) => {
    const url = httpUrl(delivery.secrets?.webhookUrl);
    if (!url) return refused('invalid Teams webhook url');
    const answer = await poster.post(url, JSON.stringify(teamsMessage(delivery, options.dashboardUrl)), {});
    const error = parseAnswer(answer.responseText)?.error as { code?: unknown } | undefined;
    return serviceResult(answer, {
      detail: safeDetail(error?.code),
      retryAfterMs: answer.statusCode === 429 ? retryAfterHeaderMs(answer.retryAfter) : undefined,
    });
  });

  return { type: 'teams', deliver, close: poster.close };
}
