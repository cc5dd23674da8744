import type { Assertion } from '@sentinelmesh/core';
import type { ImportContext } from './context';
import type { SecretOwner } from './secrets';

/** A monitor being translated: where its secrets go and how its loose ends are reported. */
export interface MonitorScope {
  owner: SecretOwner;
  ctx: ImportContext;
  note(field: string, reason: string): void;
}

/** A type's own fields and assertions, as POST /v1/monitors takes them. */
export type TypeFields = { type: string; assertions?: Assertion[] } & Record<string, unknown>;

/** What the report says of a push/heartbeat token: SentinelMesh hands out its own ping URL. */
export const PUSH_URL_CHANGES =
  "the push URL changes: after apply, point the job at the monitor's heartbeat URL (/v1/heartbeats/<token>)";
