import type { z } from 'zod';

/** How the dashboard's form asks for one setting of a channel type. */
export interface ChannelField {
  /** The settings key the value goes to. */
  name: string;
  /**
   * `url` and `text`: one line; `email-list`: addresses separated by commas; `password`: hidden;
   * `code`: several lines, kept as typed; `headers`: one `Name: value` per line, sent as a record.
   */
  kind: 'url' | 'text' | 'email-list' | 'password' | 'code' | 'headers';
  label: string;
  hint: string;
  placeholder?: string;
  /** Left empty, the setting is not sent (the API has a default). */
  optional?: boolean;
}

/** A channel as stored: settings in the clear and the sealed secrets, each null when unknown or absent. */
export interface StoredChannel<Config, Secrets> {
  config: Config | null;
  secrets: Secrets | null;
}

/** When a channel is shown: in the create response (where a type may reveal what it generated) or later. */
export type ChannelMoment = 'created' | 'read';

/**
 * Everything about one kind of alert channel, in one place: what the API accepts, what is stored
 * in the clear and what is sealed, what responses show, and what the dashboard asks for. The
 * API, the notifier's adapters and the dashboard read it from the registry (`channelTypes`).
 */
export interface ChannelType<
  Settings extends z.ZodObject = z.ZodObject,
  Config extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
  Secrets extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
  View extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
> {
  /** The name people read: `Slack`. */
  label: string;
  /** The `config` of a create request (a strict object; PATCH takes any subset of it). */
  settings: Settings;
  /** The part of the settings stored in the clear (`channels.config`). */
  config: Config;
  /** The part sealed with SECRETS_KEY (`channels.secrets`); null for a type without secrets. */
  secrets: Secrets | null;
  /** Splits settings into what is stored in the clear and what is sealed. */
  split(settings: z.output<Settings>): { config: z.output<Config>; secrets: z.output<Secrets> | null };
  /**
   * Problems of settings taken together (one field judged by another), by settings key; checked on
   * create and on what a PATCH leads to. Per-field rules stay in `settings`.
   */
  problems?(settings: z.output<Settings>): Array<{ field: string; message: string }>;
  /** Fills settings the API generates when they are left out (a webhook's signing secret). */
  complete?(settings: z.output<Settings>, newSecret: () => string): z.output<Settings>;
  /** The response's `config`: secrets masked (write-only). */
  view: View;
  mask(stored: StoredChannel<z.output<Config>, z.output<Secrets>>, moment: ChannelMoment): z.output<View>;
  /** Settings holding a URL that deliveries POST to: the API refuses private addresses in them. */
  targetFields: readonly (keyof z.output<Settings> & string)[];
  /** The dashboard's form, in order; the first field is what the channel list shows as its destination. */
  fields: readonly ChannelField[];
}

/** A secret URL down to its origin and last four characters. */
export function maskSecretUrl(value: string | undefined): string {
  try {
    return `${new URL(value ?? '').origin}/…${(value ?? '').slice(-4)}`;
  } catch {
    return '…';
  }
}

/** A secret key down to its last four characters. */
export const maskSecretKey = (value: string | undefined) => `…${(value ?? '').slice(-4)}`;
