import { z } from 'zod';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';

/** `123456789:AA…`: the bot's id, a colon and its secret (BotFather's format). */
const botToken = z
  .string()
  .trim()
  .regex(/^\d{1,20}:[\w-]{30,100}$/, 'must be a bot token from @BotFather, like 123456789:AAE…');
/** A chat's numeric id (negative for groups and channels) or a public channel's `@username`. */
const chatId = z
  .string()
  .trim()
  .regex(/^(-?\d{1,20}|@[A-Za-z]\w{4,31})$/, 'must be a numeric chat id or a channel @username');

const settings = z.strictObject({
  chatId: chatId.describe('the chat to post to: a numeric chat id, or @username of a public channel'),
  botToken: botToken.describe('the bot token from @BotFather (a secret)'),
});
const config = z.object({ chatId });
const secrets = z.object({ botToken });
const view = z.object({ chatId: z.string(), botToken: z.string().describe('masked') });

/** Telegram Bot API `sendMessage` to one chat (the API URL is the deployment's); the bot token is the secret. */
export const telegramChannel = {
  label: 'Telegram',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({
    config: { chatId: s.chatId },
    secrets: { botToken: s.botToken },
  }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    chatId: stored.config?.chatId ?? '',
    botToken: maskSecretKey(stored.secrets?.botToken),
  }),
  targetFields: [],
  fields: [
    {
      name: 'chatId',
      kind: 'text',
      label: 'Chat id',
      hint: 'A numeric chat id (groups start with -), or @username of a public channel. Add the bot to the chat first.',
      placeholder: '-1001234567890',
    },
    {
      name: 'botToken',
      kind: 'password',
      label: 'Bot token',
      hint: 'In Telegram: talk to @BotFather, /newbot, and copy the token it gives you.',
      placeholder: '123456789:AAE…',
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
