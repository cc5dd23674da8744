import type { AckLinks } from '@sentinelmesh/platform';

/** How the verifier escalates: its minute (scaled in tests), and how it signs acknowledge links. */
export interface OncallSettings {
  /** One policy minute in milliseconds (ONCALL_MINUTE_MS; 60000 as deployed). */
  minuteMs: number;
  /** Signs acknowledge links; null: alerts carry none. */
  ackLinks: AckLinks | null;
  /** Where the API's `/v1/ack/<token>` is reached from outside. */
  ackBaseUrl: string;
}

export const defaultOncallSettings: OncallSettings = {
  minuteMs: 60_000,
  ackLinks: null,
  ackBaseUrl: 'http://localhost:3000/api',
};
