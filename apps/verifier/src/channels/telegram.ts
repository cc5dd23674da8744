// Telegram Bot API, sendMessage: https://core.telegram.org/bots/api#sendmessage
// POST <api>/bot<token>/sendMessage with JSON { chat_id, text, parse_mode: "HTML", reply_markup };
// HTML rules: https://core.telegram.org/bots/api#html-style (escape <, > and &).
// Answers `{ ok: true, result }`, or `{ ok: false, error_code, description }` with the same HTTP
// status; a 429 carries `parameters.retry_after` (seconds): https://core.telegram.org/bots/api#responseparameters
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { clip, messageFacts } from './facts';
import { createGuardedPoster, httpUrl } from './http-post';
import { alertMessage } from './message';
import { parseAnswer, safeDetail, secondsToWaitMs, serviceResult } from './service-answer';

export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';

export interface TelegramOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  /** The Bot API server (a self-hosted one, or a stand-in in tests). */
  apiUrl: string;
  timeoutMs?: number;
}

const emoji: Record<string, string> = {
  DOWN: '🔴',
  UP: '🟢',
  FLAPPING: '🟠',
  ACKNOWLEDGED: '👀',
  TEST: '👋',
};

export const escapeTelegramHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Whether Telegram takes `url` on an inline button: http(s) with a dotted host name. It refuses the
 * whole message otherwise (`BUTTON_URL_INVALID`, e.g. for http://localhost:3000), so such a link
 * goes in the text instead.
 */
export function isButtonUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The sendMessage body: the title in bold first, then the facts, with Acknowledge and Open buttons. */
export function telegramMessage(delivery: Pick<Delivery, 'payload'>, chatId: string, dashboardUrl: string) {
  const m = alertMessage(delivery.payload, dashboardUrl);
  const links = [
    ...(m.ackLink ? [{ text: '✅ Acknowledge', url: m.ackLink }] : []),
    { text: 'Open in SentinelMesh', url: m.link },
  ];
  const buttons = links.filter((link) => isButtonUrl(link.url));
  const inText = links.filter((link) => !isButtonUrl(link.url));
  const lines = [
    `${emoji[m.label] ?? ''} <b>${escapeTelegramHtml(m.title)}</b>`.trim(),
    ...messageFacts(m).map(([label, value]) => `${label}: ${escapeTelegramHtml(clip(value, 1000))}`),
    ...inText.map((link) => `${link.text}: ${escapeTelegramHtml(link.url)}`),
  ];
  return {
    chat_id: chatId,
    text: lines.join('\n'),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(buttons.length > 0 ? { reply_markup: { inline_keyboard: buttons.map((button) => [button]) } } : {}),
  };
}

/** Telegram channel: the channel's bot (its token, a secret) posts to its chat. */
export function createTelegramAdapter(options: TelegramOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);
  const api = httpUrl(options.apiUrl);

  const deliver = typedDeliver('telegram', 'invalid Telegram bot token or chat id', async (delivery) => {
    const token = delivery.secrets?.botToken;
    if (!token) return refused('missing Telegram bot token');
    if (!api) return refused('invalid TELEGRAM_API_URL');
    // `./`: the token has a colon, which would otherwise read as a URL scheme.
    const url = new URL(`./bot${token}/sendMessage`, `${api.href.replace(/\/+$/, '')}/`);
    const body = telegramMessage(delivery, delivery.config.chatId, options.dashboardUrl);
    const answer = await poster.post(url, JSON.stringify(body), {});
    const reply = parseAnswer(answer.responseText);
    const parameters = reply?.parameters as { retry_after?: unknown } | undefined;
    return serviceResult(answer, {
      detail: safeDetail(reply?.description),
      retryAfterMs: answer.statusCode === 429 ? secondsToWaitMs(parameters?.retry_after) : undefined,
    });
  });

  return { type: 'telegram', deliver, close: poster.close };
}
