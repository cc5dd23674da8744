import { jsonOf, type ServiceReply, startFakeService } from './fake-service';

const failure = (status: number, description: string, extra: Record<string, unknown> = {}): ServiceReply => ({
  status,
  body: { ok: false, error_code: status, description, ...extra },
});

/** The tags Telegram's HTML parse mode knows (https://core.telegram.org/bots/api#html-style). */
const TAGS = /^(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)$/;

/** Why Telegram could not parse `text` as HTML, or null: unknown tags, bare `<` or `&`, unbalanced tags. */
function htmlProblem(text: string): string | null {
  const open: string[] = [];
  const tag = /<(\/?)([a-z-]+)(\s[^<>]*)?>|&(lt|gt|amp|quot|#\d+);|[<>&]/g;
  for (const found of text.matchAll(tag)) {
    const [whole, closing, name] = found;
    if (whole.startsWith('&') && whole.length > 1) continue;
    if (!name) return `Unsupported start tag or unescaped character "${whole}"`;
    if (!TAGS.test(name)) return `Unsupported start tag "${name}"`;
    if (closing) {
      if (open.pop() !== name) return `Can't find end tag corresponding to start tag "${name}"`;
    } else open.push(name);
  }
  return open.length > 0 ? `Can't find end tag corresponding to start tag "${open[0]}"` : null;
}

/** Telegram accepts http(s) button URLs with a dotted host; it refuses e.g. http://localhost:3000. */
function buttonUrlValid(url: unknown): boolean {
  try {
    const parsed = new URL(String(url));
    return /^https?:$/.test(parsed.protocol) && parsed.hostname.includes('.');
  } catch {
    return false;
  }
}

/**
 * A stand-in for the Telegram Bot API: `POST /bot<token>/sendMessage` for one known bot and its
 * chats; checks `chat_id`, the text (length, HTML entities), the inline keyboard's URL buttons;
 * answers `{ ok, result }` or `{ ok: false, error_code, description }` as Telegram does.
 */
export async function startTelegramService(token: string, chats: string[]) {
  let messageId = 0;
  const service = await startFakeService((request) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.path);
    if (!match) return failure(404, 'Not Found');
    if (match[1] !== token) return failure(401, 'Unauthorized');
    if (match[2] !== 'sendMessage') return failure(404, 'Not Found');
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      return failure(400, 'Bad Request: message text is empty');
    }
    const body = jsonOf(request.body) ?? {};
    if (!chats.includes(String(body.chat_id))) return failure(400, 'Bad Request: chat not found');
    const text = typeof body.text === 'string' ? body.text : '';
    if (text.trim() === '') return failure(400, 'Bad Request: message text is empty');
    if (text.length > 4096) return failure(400, 'Bad Request: message is too long');
    if (body.parse_mode !== undefined && body.parse_mode !== 'HTML') {
      return failure(400, 'Bad Request: unsupported parse_mode');
    }
    const problem = body.parse_mode === 'HTML' ? htmlProblem(text) : null;
    if (problem) return failure(400, `Bad Request: can't parse entities: ${problem}`);
    const markup = body.reply_markup as
      | { inline_keyboard?: Array<Array<{ text?: string; url?: string }>> }
      | undefined;
    for (const button of markup?.inline_keyboard?.flat() ?? []) {
      if (!button.text) return failure(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
      if (!buttonUrlValid(button.url)) {
        return failure(400, `Bad Request: inline keyboard button URL '${button.url}' is invalid`);
      }
    }
    messageId += 1;
    return {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: body.chat_id },
          text,
        },
      },
    };
  });
  return {
    ...service,
    /** The 429 Telegram answers when a bot sends too fast. */
    tooManyRequests: (seconds: number) =>
      failure(429, `Too Many Requests: retry after ${seconds}`, { parameters: { retry_after: seconds } }),
    messages: () => service.accepted().map((r) => jsonOf(r.body) ?? {}),
  };
}
