import type { Db } from '@sentinelmesh/db';
import type { Logger } from './logger';

/** The regions a deployment runs right now. */
export interface RegionSet {
  /** Every region: REGIONS, the deployment's probe regions and every private location. */
  list(): readonly string[];
  has(region: string): boolean;
}

/** A fixed list (tests, older callers) or a set that follows the database. */
export type Regions = readonly string[] | RegionSet;

const isRegionSet = (regions: Regions): regions is RegionSet => !Array.isArray(regions);

/** A fixed list as a RegionSet. */
export function fixedRegions(regions: readonly string[]): RegionSet {
  const list = Object.freeze([...new Set(regions)]);
  const set = new Set(list);
  return { list: () => list, has: (region) => set.has(region) };
}

export const regionSetOf = (regions: Regions): RegionSet =>
  isRegionSet(regions) ? regions : fixedRegions(regions);

/** A private location, as the API's rules and the probe gateway see it. */
export interface PrivateLocation {
  orgId: string;
  allowPrivateTargets: boolean;
}

export const DEFAULT_REGION_REFRESH_MS = 5_000;

/**
 * REGIONS (the worker regions of the environment) together with the probe regions and private
 * locations in the database, read again every `refreshMs`: a region added by the CLI or the API is
 * scheduled, verified and accepted without a restart. Should the database not answer, the last
 * known set stays.
 */
export class DeploymentRegions implements RegionSet {
  private all: readonly string[];
  private allSet: ReadonlySet<string>;
  private shared: ReadonlySet<string>;
  private locations = new Map<string, PrivateLocation>();
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly options: {
      db: Db;
      /** REGIONS from the environment: always part of the set. */
      fixed: readonly string[];
      logger: Logger;
      refreshMs?: number;
    },
  ) {
    this.all = Object.freeze([...options.fixed]);
    this.allSet = new Set(this.all);
    this.shared = new Set(this.all);
  }

  list(): readonly string[] {
    return this.all;
  }

  has(region: string): boolean {
    return this.allSet.has(region);
  }

  /** Regions every organization may use: REGIONS and the deployment's probe regions. */
  isShared(region: string): boolean {
    return this.shared.has(region);
  }

  /** The owner of a private location, or undefined for any other name. */
  privateLocation(region: string): PrivateLocation | undefined {
    return this.locations.get(region);
  }

  /** Reads the probe regions now (concurrent callers share one read). */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /**
   * The first read, then one every `refreshMs`. A database that does not answer yet leaves REGIONS
   * alone until a later read succeeds: an app starts, and reports itself unready, without it.
   */
  async start(): Promise<void> {
    await this.refresh().catch((error: unknown) =>
      this.options.logger.warn({ err: error }, 'cannot read probe regions yet; using REGIONS until it can'),
    );
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'cannot read probe regions; keeping the last known set'),
      );
    }, this.options.refreshMs ?? DEFAULT_REGION_REFRESH_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.loading?.catch(() => undefined);
  }

  private async load(): Promise<void> {
    const rows = await this.options.db
      .selectFrom('probe_regions')
      .select(['name', 'org_id', 'allow_private_targets'])
      .orderBy('name')
      .execute();
    const shared = new Set(this.options.fixed);
    const locations = new Map<string, PrivateLocation>();
    for (const row of rows) {
      if (row.org_id === null) shared.add(row.name);
      else locations.set(row.name, { orgId: row.org_id, allowPrivateTargets: row.allow_private_targets });
    }
    const all = Object.freeze([...shared, ...[...locations.keys()].filter((name) => !shared.has(name))]);
    this.shared = shared;
    this.locations = locations;
    this.all = all;
    this.allSet = new Set(all);
  }
}
