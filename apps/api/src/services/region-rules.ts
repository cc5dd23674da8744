import type { TenantContext } from '../context';

/** Which regions an organization's monitors may list, and where they may reach private targets. */
export interface RegionRules {
  allowed(region: string): boolean;
  /** For messages: every region the organization may use. */
  names(): string[];
  /** True when every region is a private location of the organization that allows private targets. */
  privateTargetsAllowed(regions: readonly string[]): boolean;
}

/**
 * The deployment's regions (REGIONS and its probe regions) and the organization's own private
 * locations, read in its tenant transaction: another organization's location is an unknown region.
 */
export async function regionRulesFor(ctx: TenantContext, wanted?: readonly string[]): Promise<RegionRules> {
  // A region the cached set does not know yet may have been added a moment ago (the regions CLI).
  if (wanted?.some((region) => !ctx.regions.has(region))) await ctx.regions.refresh();
  const own = await ctx.db
    .selectFrom('probe_regions')
    .select(['name', 'allow_private_targets'])
    .where('org_id', '=', ctx.orgId)
    .execute();
  const locations = new Map(own.map((row) => [row.name, row.allow_private_targets]));
  const shared = ctx.regions.list().filter((region) => ctx.regions.isShared(region));
  return {
    allowed: (region) => ctx.regions.isShared(region) || locations.has(region),
    names: () => [...shared, ...locations.keys()],
    privateTargetsAllowed: (regions) =>
      regions.length > 0 && regions.every((region) => locations.get(region) === true),
  };
}
