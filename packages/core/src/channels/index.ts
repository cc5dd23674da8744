import type { z } from 'zod';
import type { ChannelMoment, ChannelType, StoredChannel } from './channel-type';
import { customWebhookChannel } from './custom-webhook';
import { discordChannel } from './discord';
import { emailChannel } from './email';
import { googleChatChannel } from './google-chat';
import { gotifyChannel } from './gotify';
import { matrixChannel } from './matrix';
import { mattermostChannel } from './mattermost';
import { ntfyChannel } from './ntfy';
import { opsgenieChannel } from './opsgenie';
import { pagerDutyChannel } from './pagerduty';
import { pushoverChannel } from './pushover';
import { rocketChatChannel } from './rocketchat';
import { slackChannel } from './slack';
import { teamsChannel } from './teams';
import { telegramChannel } from './telegram';
import { twilioSmsChannel } from './twilio-sms';
import { webhookChannel } from './webhook';

export * from './alert-template';
export * from './channel-type';
export { NTFY_DEFAULT_SERVER } from './ntfy';

/**
 * The registry of alert channel types, in the order the API lists them. Adding a type is one
 * module here plus its notifier adapter (docs/extending.md).
 */
export const channelTypes = {
  webhook: webhookChannel,
  slack: slackChannel,
  email: emailChannel,
  pagerduty: pagerDutyChannel,
  discord: discordChannel,
  teams: teamsChannel,
  telegram: telegramChannel,
  opsgenie: opsgenieChannel,
  ntfy: ntfyChannel,
  pushover: pushoverChannel,
  gotify: gotifyChannel,
  matrix: matrixChannel,
  mattermost: mattermostChannel,
  rocketchat: rocketChatChannel,
  'google-chat': googleChatChannel,
  'twilio-sms': twilioSmsChannel,
  'custom-webhook': customWebhookChannel,
} as const;

export type ChannelTypeName = keyof typeof channelTypes;
export const channelTypeNames = Object.keys(channelTypes) as [ChannelTypeName, ...ChannelTypeName[]];

export const isChannelTypeName = (value: string): value is ChannelTypeName =>
  Object.hasOwn(channelTypes, value);

/** A type's entry with its own types widened, for code that treats every type alike. */
export const channelType = (name: ChannelTypeName): ChannelType => channelTypes[name];

/** A type's settings as given on create. */
export type ChannelSettings<T extends ChannelTypeName> = z.output<(typeof channelTypes)[T]['settings']>;
/** A type's stored parts, parsed: what its notifier adapter delivers with. */
export type ChannelStored<T extends ChannelTypeName> = {
  config: z.output<(typeof channelTypes)[T]['config']>;
  secrets: (typeof channelTypes)[T]['secrets'] extends z.ZodType<infer S> ? S | null : null;
};

/**
 * Reads a channel's stored parts (config as stored, secrets as opened) with its type's schemas;
 * a part that does not match comes back null, so masks and deliveries see "unknown", never junk.
 */
export function readStoredChannel(
  name: ChannelTypeName,
  raw: { config: unknown; secrets: unknown },
): StoredChannel<Record<string, unknown>, Record<string, unknown>> {
  const type = channelType(name);
  const config = type.config.safeParse(raw.config);
  const secrets = type.secrets && raw.secrets !== null ? type.secrets.safeParse(raw.secrets) : null;
  return {
    config: config.success ? config.data : null,
    secrets: secrets?.success ? secrets.data : null,
  };
}

/** What responses show of a channel's settings, one shape per type. */
export type ChannelView = {
  [T in ChannelTypeName]: z.output<(typeof channelTypes)[T]['view']>;
}[ChannelTypeName];

/** A stored channel as responses show it: its type's mask over the parsed parts. */
export function channelView(
  name: ChannelTypeName,
  raw: { config: unknown; secrets: unknown },
  moment: ChannelMoment,
): ChannelView {
  // Each entry's mask returns its own view (checked by `satisfies ChannelType` in its module).
  return channelType(name).mask(readStoredChannel(name, raw), moment) as ChannelView;
}
