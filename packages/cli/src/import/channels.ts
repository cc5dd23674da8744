import { isChannelTypeName } from '@sentinelmesh/core';
import type { ImportContext } from './context';
import {
  type ChannelEntry,
  channelConfigProblem,
  ENV_REFERENCE,
  envReference,
  secretSettings,
} from './document';

/**
 * The settings each SentinelMesh channel type takes, as the importers fill them: the one place
 * that names them. A type missing from the registry at run time is reported, not written; once it
 * is registered its drafts are checked against its settings and written.
 */
export interface ChannelSettingsByType {
  webhook: { url: string };
  slack: { webhookUrl: string };
  discord: { webhookUrl: string };
  email: { to: string[] };
  pagerduty: { routingKey: string };
  teams: { webhookUrl: string };
  telegram: { botToken: string; chatId: string };
  opsgenie: { apiKey: string; region?: 'us' | 'eu' };
  ntfy: { serverUrl?: string; topic: string; accessToken?: string; username?: string; password?: string };
  pushover: { appToken: string; userKey: string };
  gotify: { serverUrl: string; appToken: string };
  matrix: { homeserverUrl: string; roomId: string; accessToken: string };
  mattermost: { webhookUrl: string };
  rocketchat: { webhookUrl: string };
  'google-chat': { webhookUrl: string };
  'twilio-sms': { accountSid: string; authToken: string; from: string; to: string };
}

export type ChannelTarget = keyof ChannelSettingsByType;

/** A channel about to be written: its settings hold the source's literal values, secrets included. */
export type ChannelDraft = {
  [T in ChannelTarget]: {
    type: T;
    settings: ChannelSettingsByType[T];
    /** What each setting holds, in the source's words: the report tells what to set a secret's variable to. */
    describe: Partial<Record<keyof ChannelSettingsByType[T], string>>;
  };
}[ChannelTarget];

/** The source's name of a channel, as the report shows it. */
export interface ChannelOrigin {
  name: string;
  item: string;
  isDefault?: boolean;
}

/**
 * Writes a draft as a file entry: every setting the type keeps sealed becomes an `${ENV}`
 * reference (reported with what to set it to), and the entry must fit the type's settings.
 * Null, with the reason reported, when the type is not registered or the entry does not fit.
 */
export function finishChannel(
  draft: ChannelDraft,
  origin: ChannelOrigin,
  ctx: ImportContext,
): ChannelEntry | null {
  if (!isChannelTypeName(draft.type)) {
    ctx.report.add(
      origin.item,
      `channel type ${draft.type} is not available in this SentinelMesh version; it is imported once it is`,
    );
    return null;
  }
  const key = ctx.channelKeys.claim(origin.name, draft.type);
  const settings: Record<string, unknown> = Object.fromEntries(
    Object.entries(draft.settings).filter(([, value]) => value !== undefined),
  );
  const secrets: Array<{ field: string; env: string; what: string }> = [];
  const describe = draft.describe as Record<string, string | undefined>;
  for (const field of secretSettings(draft.type)) {
    const value = settings[field];
    if (typeof value !== 'string') continue;
    const named = ENV_REFERENCE.exec(value)?.[1];
    const env = named ? ctx.envs.reuse(named) : ctx.envs.claim(key, field);
    settings[field] = envReference(env);
    secrets.push({ field, env, what: describe[field] ?? field });
  }
  const problem = channelConfigProblem(draft.type, settings);
  if (problem) {
    ctx.report.add(origin.item, `does not fit the ${draft.type} channel settings: ${problem}`);
    return null;
  }
  for (const { field, env, what } of secrets) ctx.report.secret(origin.item, `config.${field}`, env, what);
  return {
    key,
    name: origin.name,
    type: draft.type,
    config: settings,
    ...(origin.isDefault ? { isDefault: true } : {}),
  };
}
