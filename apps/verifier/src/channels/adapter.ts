import type { AlertPayload } from '@sentinelmesh/core';

export interface Delivery {
  alertId: string;
  payload: AlertPayload;
  /** The channel's non-secret settings, as stored. */
  config: Record<string, unknown>;
  /** The channel's opened secrets, or null when it has none. */
  secrets: Record<string, unknown> | null;
}

export interface DeliveryResult {
  ok: boolean;
  statusCode: number | null;
  /** Short reason of a failure, safe to store and show (never a secret or a signature). */
  error: string | null;
  durationMs: number;
  /** The failure can never succeed on retry (bad settings, a blocked target). */
  permanent?: boolean;
}

/** One way of delivering alerts (webhook today; Slack, email, PagerDuty later). Never throws. */
export interface ChannelAdapter {
  readonly type: string;
  deliver(delivery: Delivery): Promise<DeliveryResult>;
}
