import { type AlertPayload, type ChannelStored, type ChannelTypeName, channelType } from '@sentinelmesh/core';

/** One alert for one channel, with the channel's parts as stored. */
export interface Delivery {
  alertId: string;
  payload: AlertPayload;
  /** The channel's non-secret settings, as stored. */
  config: Record<string, unknown>;
  /** The channel's opened secrets, or null when it has none. */
  secrets: Record<string, unknown> | null;
}

/** A delivery whose parts were read with its type's schemas (packages/core/src/channels). */
export interface TypedDelivery<T extends ChannelTypeName> {
  alertId: string;
  payload: AlertPayload;
  config: ChannelStored<T>['config'];
  secrets: ChannelStored<T>['secrets'];
}

export interface DeliveryResult {
  ok: boolean;
  statusCode: number | null;
  /** Short reason of a failure, safe to store and show (never a secret or a signature). */
  error: string | null;
  durationMs: number;
  /** The failure can never succeed on retry (bad settings, a blocked target). */
  permanent?: boolean;
  /** The receiver asked for no delivery to this channel before this many milliseconds (a rate limit). */
  retryAfterMs?: number;
}

/** One way of delivering alerts: one per channel type of the registry. Never throws. */
export interface ChannelAdapter {
  readonly type: string;
  deliver(delivery: Delivery): Promise<DeliveryResult>;
}

/** A failure that no retry can fix, before anything was sent. */
export const refused = (error: string): DeliveryResult => ({
  ok: false,
  statusCode: null,
  error,
  durationMs: 0,
  permanent: true,
});

/**
 * An adapter's `deliver` over typed parts: the stored config and the opened secrets are read with
 * the type's schemas first, and parts that do not match fail permanently with `invalid`.
 */
export function typedDeliver<T extends ChannelTypeName>(
  type: T,
  invalid: string,
  deliver: (delivery: TypedDelivery<T>) => Promise<DeliveryResult>,
): (delivery: Delivery) => Promise<DeliveryResult> {
  const entry = channelType(type);
  return async ({ alertId, payload, config, secrets }) => {
    const parsedConfig = entry.config.safeParse(config);
    const parsedSecrets = secrets === null || !entry.secrets ? null : entry.secrets.safeParse(secrets);
    if (!parsedConfig.success || parsedSecrets?.success === false) return refused(invalid);
    // The entry of `type` parsed them, so they have its stored types.
    const stored = { config: parsedConfig.data, secrets: parsedSecrets?.data ?? null } as ChannelStored<T>;
    return deliver({ alertId, payload, ...stored });
  };
}
