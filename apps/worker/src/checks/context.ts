import type { CheckOutcome, CheckSpec, CheckSpecOf, HeartbeatPing, MonitorType } from '@sentinelmesh/core';
import type { BrowserPool } from '../browser/pool';
import type { RdapClient } from './rdap-client';

/** Where a heartbeat check reads the pings a monitor received. */
export interface HeartbeatReader {
  /**
   * The latest ping and when the monitor began waiting for pings; null when the monitor is gone.
   * `now` is the database's time of the read: silence is judged by the clock that stamped the pings.
   */
  read(
    orgId: string,
    monitorId: string,
  ): Promise<{ lastPing: HeartbeatPing | null; watchingSince: Date; now?: Date } | null>;
}

/** What a check needs from the worker that runs it. */
export interface CheckContext {
  region: string;
  userAgent: string;
  /** Private, loopback and link-local targets are allowed (the target guard reads it). */
  allowPrivateTargets: boolean;
  /** The wall clock, for assertions on certificate expiry and heartbeat deadlines. */
  now: () => Date;
  /**
   * The resolvers a DNS check asks when its monitor names none (default: the system's). They are
   * the deployment's own, so the target guard does not judge them; it still judges the answers.
   */
  dnsServers?: string[];
  /** Runs browser checks' scripts; a worker without it fails browser checks as internal. */
  browsers?: BrowserPool;
  /** Domain registrations by RDAP, with their cache; without it, a shared client reads IANA's bootstrap. */
  rdap?: RdapClient;
  /** Pings of heartbeat monitors; a worker without it fails heartbeat checks as internal. */
  heartbeats?: HeartbeatReader;
}

/** Runs a check of any type and describes what happened; never throws. */
export type CheckRunner = (spec: CheckSpec, ctx: CheckContext) => Promise<CheckOutcome>;

/** Runs one check type's spec. */
export type CheckExecutor<T extends MonitorType> = (
  spec: CheckSpecOf<T>,
  ctx: CheckContext,
) => Promise<CheckOutcome>;
