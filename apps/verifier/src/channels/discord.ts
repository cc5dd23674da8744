import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage, labelColors } from './message';

export interface DiscordOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

/** The longest wait a rate limit may ask for; a longer `retry_after` is taken as this. */
export const MAX_DISCORD_RETRY_AFTER_MS = 10 * 60_000;

/** Discord's documented limits for a webhook message and its embed. */
const LIMITS = { content: 2000, title: 256, fieldValue: 1024 };

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The execute-webhook body: `content` (the notification preview) and one embed with the facts,
 * linking to the monitor. Mentions in monitor names or causes ping nobody (`allowed_mentions`).
 */
export function discordBody(delivery: Pick<Delivery, 'payload'>, dashboardUrl: string) {
  const m = alertMessage(delivery.payload, dashboardUrl);
  const facts: Array<[string, string | null]> = [
    ['Target', m.target],
    ['Cause', m.cause],
    ['Duration', m.duration],
    ['Acknowledged by', m.acknowledged],
    ['Acknowledge', m.ackLink ? `[Acknowledge this incident](${m.ackLink})` : null],
  ];
  return {
    username: 'SentinelMesh',
    content: clip(m.title, LIMITS.content),
    embeds: [
      {
        title: clip(m.title, LIMITS.title),
        url: m.link,
        color: Number.parseInt((labelColors[m.label] ?? '#333333').slice(1), 16),
        timestamp: m.occurredAt,
        fields: facts
          .filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== '')
          .map(([name, value]) => ({ name, value: clip(value, LIMITS.fieldValue) })),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/** How long a 429 asks to wait: the body's `retry_after` (seconds, fractional), bounded. */
export function retryAfterMs(responseText: string | null): number | undefined {
  try {
    const seconds = (JSON.parse(responseText ?? '') as { retry_after?: unknown }).retry_after;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
    return Math.min(Math.ceil(seconds * 1000), MAX_DISCORD_RETRY_AFTER_MS);
  } catch {
    return undefined;
  }
}

/** Discord's error `code` (10015: unknown webhook, 50006: empty message), short and safe to keep. */
function discordCode(responseText: string | null): string {
  try {
    const code = (JSON.parse(responseText ?? '') as { code?: unknown }).code;
    return typeof code === 'number' ? ` (Discord code ${code})` : '';
  } catch {
    return '';
  }
}

/**
 * Discord channel: executes the channel's webhook (its URL, a secret). 204 is success; a 429's
 * `retry_after` holds the channel back for that long; 4xx other than 408 and 429 is permanent.
 */
export function createDiscordAdapter(options: DiscordOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('discord', 'invalid Discord webhook url', async (delivery) => {
    const url = httpUrl(delivery.secrets?.webhookUrl);
    if (!url) return refused('invalid Discord webhook url');
    const body = JSON.stringify(discordBody(delivery, options.dashboardUrl));
    const { responseText, ...result } = await poster.post(url, body, {});
    if (result.ok) return result;
    const permanent = result.permanent || isPermanentStatus(result.statusCode);
    if (result.statusCode !== 429) {
      return {
        ...result,
        error: `${result.error ?? 'delivery failed'}${discordCode(responseText)}`,
        permanent,
      };
    }
    const wait = retryAfterMs(responseText);
    return {
      ...result,
      error: 'HTTP 429: rate limited',
      permanent,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  });

  return { type: 'discord', deliver, close: poster.close };
}
