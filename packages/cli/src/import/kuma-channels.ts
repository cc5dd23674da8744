import { type ChannelDraft, type ChannelOrigin, finishChannel } from './channels';
import type { ImportContext } from './context';
import type { ChannelEntry } from './document';
import { Fields, need, parseJson, Untranslatable } from './fields';

/**
 * Uptime Kuma notification providers (its `type`, `server/notification-providers/*.js`) and the
 * SentinelMesh channel each becomes. Fields a mapping does not read are reported by the caller.
 */
export const kumaProviders: Record<string, (f: Fields) => ChannelDraft> = {
  webhook: (f) => ({
    type: 'webhook',
    settings: { url: need(f, 'webhookURL') },
    describe: {},
  }),
  slack: (f) => ({
    type: 'slack',
    settings: { webhookUrl: need(f, 'slackwebhookURL') },
    describe: { webhookUrl: 'the Slack webhook URL (Kuma field slackwebhookURL)' },
  }),
  discord: (f) => ({
    type: 'discord',
    settings: { webhookUrl: need(f, 'discordWebhookUrl') },
    describe: { webhookUrl: 'the Discord webhook URL (Kuma field discordWebhookUrl)' },
  }),
  smtp: (f) => {
    const to = ['smtpTo', 'smtpCC', 'smtpBCC'].flatMap((name) =>
      (f.str(name) ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    );
    return { type: 'email', settings: { to }, describe: {} };
  },
  PagerDuty: (f) => ({
    type: 'pagerduty',
    settings: { routingKey: need(f, 'pagerdutyIntegrationKey') },
    describe: { routingKey: 'the PagerDuty integration key (Kuma field pagerdutyIntegrationKey)' },
  }),
  teams: (f) => ({
    type: 'teams',
    settings: { webhookUrl: need(f, 'webhookUrl') },
    describe: { webhookUrl: 'the Teams webhook URL (Kuma field webhookUrl)' },
  }),
  telegram: (f) => ({
    type: 'telegram',
    settings: {
      botToken: need(f, 'telegramBotToken'),
      chatId: need(f, 'telegramChatID'),
    },
    describe: { botToken: 'the Telegram bot token (Kuma field telegramBotToken)' },
  }),
  Opsgenie: (f) => {
    const region = f.str('opsgenieRegion')?.toLowerCase();
    return {
      type: 'opsgenie',
      settings: {
        apiKey: need(f, 'opsgenieApiKey'),
        region: region === 'eu' || region === 'us' ? region : undefined,
      },
      describe: { apiKey: 'the Opsgenie API key (Kuma field opsgenieApiKey)' },
    };
  },
  ntfy: (f) => {
    const method = f.str('ntfyAuthenticationMethod');
    const token = f.str('ntfyaccesstoken');
    const username = f.str('ntfyusername');
    const password = f.str('ntfypassword');
    return {
      type: 'ntfy',
      settings: {
        serverUrl: f.str('ntfyserverurl'),
        topic: need(f, 'ntfytopic'),
        accessToken: method === 'accessToken' ? token : undefined,
        username: method === 'usernamePassword' ? username : undefined,
        password: method === 'usernamePassword' ? password : undefined,
      },
      describe: {
        accessToken: 'the ntfy access token (Kuma field ntfyaccesstoken)',
        password: 'the ntfy password (Kuma field ntfypassword)',
      },
    };
  },
  pushover: (f) => ({
    type: 'pushover',
    settings: { appToken: need(f, 'pushoverapptoken'), userKey: need(f, 'pushoveruserkey') },
    describe: {
      appToken: 'the Pushover application token (Kuma field pushoverapptoken)',
      userKey: 'the Pushover user key (Kuma field pushoveruserkey)',
    },
  }),
  gotify: (f) => ({
    type: 'gotify',
    settings: {
      serverUrl: need(f, 'gotifyserverurl'),
      appToken: need(f, 'gotifyapplicationToken'),
    },
    describe: { appToken: 'the Gotify application token (Kuma field gotifyapplicationToken)' },
  }),
  matrix: (f) => ({
    type: 'matrix',
    settings: {
      homeserverUrl: need(f, 'homeserverUrl'),
      roomId: need(f, 'internalRoomId'),
      accessToken: need(f, 'accessToken'),
    },
    describe: { accessToken: 'the Matrix access token (Kuma field accessToken)' },
  }),
  mattermost: (f) => ({
    type: 'mattermost',
    settings: { webhookUrl: need(f, 'mattermostWebhookUrl') },
    describe: { webhookUrl: 'the Mattermost webhook URL (Kuma field mattermostWebhookUrl)' },
  }),
  'rocket.chat': (f) => ({
    type: 'rocketchat',
    settings: { webhookUrl: need(f, 'rocketwebhookURL') },
    describe: { webhookUrl: 'the Rocket.Chat webhook URL (Kuma field rocketwebhookURL)' },
  }),
  GoogleChat: (f) => ({
    type: 'google-chat',
    settings: { webhookUrl: need(f, 'googleChatWebhookURL') },
    describe: { webhookUrl: 'the Google Chat webhook URL (Kuma field googleChatWebhookURL)' },
  }),
  twilio: (f) => ({
    type: 'twilio-sms',
    settings: {
      accountSid: need(f, 'twilioAccountSID'),
      authToken: need(f, 'twilioAuthToken'),
      from: need(f, 'twilioFromNumber'),
      to: need(f, 'twilioToNumber'),
    },
    describe: { authToken: 'the Twilio auth token (Kuma field twilioAuthToken)' },
  }),
};

/** Kuma's notification options that say how it sends mail itself, which the deployment's SMTP server does here. */
const smtpServerFields = [
  'smtpHost',
  'smtpPort',
  'smtpSecure',
  'smtpIgnoreTLSError',
  'smtpIgnoreSTARTTLS',
  'smtpUsername',
  'smtpPassword',
  'smtpFrom',
  'smtpDkimDomain',
  'smtpDkimKeySelector',
  'smtpDkimPrivateKey',
  'smtpDkimHashAlgo',
  'smtpDkimheaderFieldNames',
  'smtpDkimskipFields',
];

/** Notification options whose usual values change nothing. */
const notificationDefaults: Record<string, unknown> = {
  webhookContentType: 'json',
  httpMethod: 'post',
  ntfyPriority: 5,
  ntfyAuthenticationMethod: 'none',
  gotifyPriority: 8,
  opsgeniePriority: 3,
  pagerdutyIntegrationUrl: 'https://events.pagerduty.com/v2/enqueue',
  telegramServerUrl: 'https://api.telegram.org',
  discordChannelType: 'channel',
};

export function notificationChannel(
  row: Fields,
  ctx: ImportContext,
): { origin: ChannelOrigin; channel: ChannelEntry | null } {
  const rawConfig = row.take('config');
  const config = new Fields(typeof rawConfig === 'string' ? parseJson(rawConfig) : rawConfig);
  const name = row.str('name') ?? config.str('name') ?? 'Notification';
  const id = String(row.values.id ?? '');
  const origin: ChannelOrigin = {
    name,
    item: `notification "${name}" (id ${id})`,
    isDefault: row.bool('is_default') ?? row.bool('isDefault') ?? config.bool('isDefault') ?? false,
  };
  config.skip('name', 'id', 'isDefault', 'applyExisting', 'active', 'userId', 'user_id');
  const type = config.str('type') ?? '';
  const provider = kumaProviders[type];
  if (!provider) {
    ctx.report.add(origin.item, `notification provider ${type || '(none)'} has no SentinelMesh channel type`);
    return { origin, channel: null };
  }
  if (row.bool('active') === false)
    ctx.report.add(origin.item, 'disabled in Kuma; imported as an active channel');
  let draft: ReturnType<typeof provider>;
  try {
    draft = provider(config);
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    ctx.report.add(origin.item, `left out: ${error.message}`);
    return { origin, channel: null };
  }
  if (type === 'smtp') {
    config.skip(...smtpServerFields);
    if (smtpServerFields.some((field) => config.values[field])) {
      ctx.report.add(
        origin.item,
        "alert mail goes out through the deployment's SMTP server; this notification's own server settings are not imported",
      );
    }
  }
  const isDefault = (field: string, value: unknown) =>
    Object.hasOwn(notificationDefaults, field) && notificationDefaults[field] === value;
  for (const field of config.leftovers(isDefault)) {
    ctx.report.add(origin.item, `option not imported: the ${draft.type} channel has no counterpart`, field);
  }
  return { origin, channel: finishChannel(draft, origin, ctx) };
}
