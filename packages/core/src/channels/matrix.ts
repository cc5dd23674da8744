import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';

const roomId = z
  .string()
  .trim()
  .max(255)
  .regex(/^![^:\s]+:\S+$/, 'must be a room ID such as !AbCdEf123:example.org (Room settings → Advanced)');
const accessToken = z.string().trim().min(1).max(1024);

const settings = z.strictObject({
  homeserverUrl: httpUrl.describe("the homeserver's base URL (https://matrix.example.org)"),
  roomId: roomId.describe('the room ID (not an alias) of a room the bot account has joined'),
  accessToken: accessToken.describe("the bot account's access token (a secret)"),
});
const config = z.object({ homeserverUrl: httpUrl, roomId });
const secrets = z.object({ accessToken });
const view = z.object({
  homeserverUrl: z.string(),
  roomId: z.string(),
  accessToken: z.string().describe('masked'),
});

/** A Matrix room, posted to through the client-server API with a bot account's access token. */
export const matrixChannel = {
  label: 'Matrix',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({
    config: { homeserverUrl: s.homeserverUrl, roomId: s.roomId },
    secrets: { accessToken: s.accessToken },
  }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    homeserverUrl: stored.config?.homeserverUrl ?? '',
    roomId: stored.config?.roomId ?? '',
    accessToken: maskSecretKey(stored.secrets?.accessToken),
  }),
  targetFields: ['homeserverUrl'],
  fields: [
    {
      name: 'homeserverUrl',
      kind: 'url',
      label: 'Homeserver URL',
      hint: 'The base URL of your Matrix server, as your client shows it.',
      placeholder: 'https://matrix.example.org',
    },
    {
      name: 'roomId',
      kind: 'text',
      label: 'Room ID',
      hint: 'Room settings → Advanced → Internal room ID. Invite the bot account and let it join first.',
      placeholder: '!AbCdEf123:example.org',
    },
    {
      name: 'accessToken',
      kind: 'password',
      label: 'Access token',
      hint: "The bot account's access token (in Element: Settings → Help & About → Access token).",
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
