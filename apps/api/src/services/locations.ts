import { randomBytes } from 'node:crypto';
import { PROBE_TOKEN_PREFIX } from '@sentinelmesh/core';
import type { Database, Db } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';
import type { ActorContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { announceRevocation } from '../probes/revocations';
import { generateBearerSecret } from './api-key-secrets';

/** A probe counts as online while it polls: a poll is answered within 20 s, so a minute is generous. */
const ONLINE_WITHIN_MS = 60_000;

interface ProbeRow {
  id: string;
  name: string;
  region: string;
  location_id: string | null;
  version: string | null;
  last_seen_at: Date | null;
  lag_p99_ms: number | null;
  checks_per_second: number | null;
  held_results: number | null;
  dropped_results: string | null;
  created_at: Date;
}

export function toProbe(row: ProbeRow, nowMs: number) {
  const seen = row.last_seen_at?.getTime() ?? null;
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    locationId: row.location_id,
    version: row.version,
    lastSeenAt: row.last_seen_at ? row.last_seen_at.toISOString() : null,
    lagP99Ms: row.lag_p99_ms,
    checksPerSecond: row.checks_per_second,
    heldResults: row.held_results,
    droppedResults: row.dropped_results === null ? null : Number(row.dropped_results),
    status:
      seen === null
        ? ('never_seen' as const)
        : nowMs - seen <= ONLINE_WITHIN_MS
          ? ('online' as const)
          : ('offline' as const),
    createdAt: row.created_at.toISOString(),
  };
}

/** The probe columns every listing reads, over `probes as p` joined to `probe_regions as r`. */
const probeColumns = [
  'p.id',
  'p.name',
  'r.name as region',
  'p.version',
  'p.last_seen_at',
  'p.lag_p99_ms',
  'p.checks_per_second',
  'p.held_results',
  'p.dropped_results',
  'p.created_at',
] as const;

/** `pl-<slug>-<6 random characters>`: unique across the deployment and a valid region name. */
function locationRegionName(label: string): string {
  const slug = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 22)
    .replace(/-+$/, '');
  const suffix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 6);
  return slug ? `pl-${slug}-${suffix}` : `pl-${suffix}`;
}

export async function listLocations(ctx: TenantContext) {
  const rows = await ctx.db
    .selectFrom('probe_regions as r')
    .select([
      'r.id',
      'r.label',
      'r.name',
      'r.allow_private_targets',
      'r.created_at',
      (eb) =>
        eb
          .selectFrom('probes as p')
          .select(sql<number>`count(*)::integer`.as('n'))
          .whereRef('p.region_id', '=', 'r.id')
          .where('p.revoked_at', 'is', null)
          .as('probes'),
    ])
    .where('r.org_id', '=', ctx.orgId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  return { items: rows.map(toLocation) };
}

function toLocation(row: {
  id: string;
  label: string;
  name: string;
  allow_private_targets: boolean;
  created_at: Date;
  probes: number | null;
}) {
  return {
    id: row.id,
    name: row.label,
    region: row.name,
    allowPrivateTargets: row.allow_private_targets,
    probes: row.probes ?? 0,
    createdAt: row.created_at.toISOString(),
  };
}

/** A new private location; its region is scheduled once the deployment's region sets re-read it. */
export async function createLocation(
  ctx: ActorContext,
  input: { name: string; allowPrivateTargets: boolean },
) {
  const row = await ctx.db
    .insertInto('probe_regions')
    .values({
      org_id: ctx.orgId,
      name: locationRegionName(input.name),
      label: input.name,
      allow_private_targets: input.allowPrivateTargets,
    })
    .returning(['id', 'label', 'name', 'allow_private_targets', 'created_at'])
    .executeTakeFirstOrThrow();
  ctx.afterCommit(() => ctx.regions.refresh());
  return toLocation({ ...row, probes: 0 });
}

async function ownLocation(ctx: TenantContext, id: string) {
  const row = await ctx.db
    .selectFrom('probe_regions')
    .select(['id', 'name'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('location');
  return row;
}

/** Deletes a location no monitor uses; its probes' tokens stop working at once. */
export async function deleteLocation(ctx: ActorContext, id: string) {
  const location = await ownLocation(ctx, id);
  const users = await ctx.db
    .selectFrom('monitors')
    .select(sql<number>`count(*)::integer`.as('n'))
    .where('org_id', '=', ctx.orgId)
    .where(sql<boolean>`config -> 'regions' ? ${location.name}`)
    .executeTakeFirstOrThrow();
  if (users.n > 0) {
    throw apiErrors.notCheckable(
      `${users.n} monitor(s) run in this location; take it out of their regions first`,
    );
  }
  const probes = await ctx.db.selectFrom('probes').select('id').where('region_id', '=', id).execute();
  await ctx.db.deleteFrom('probe_regions').where('org_id', '=', ctx.orgId).where('id', '=', id).execute();
  ctx.afterCommit(async () => {
    await announceRevocation(
      ctx.redis,
      ctx.config.QUEUE_PREFIX,
      probes.map((p) => p.id),
    );
    await ctx.regions.refresh();
  });
}

/** A new probe of a probe region with its token: the token is never stored, only its SHA-256. */
export async function insertProbe(
  db: Kysely<Database>,
  region: { id: string; orgId: string | null },
  name: string,
) {
  const { key, hash, hint } = generateBearerSecret(PROBE_TOKEN_PREFIX);
  const row = await db
    .insertInto('probes')
    .values({ org_id: region.orgId, region_id: region.id, name, token_hash: hash, token_hint: hint })
    .returning(['id', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
  return { row, token: key };
}

/** A probe of the location; its token is returned once, here, and only its SHA-256 is kept. */
export async function createProbe(ctx: ActorContext, locationId: string, input: { name: string }) {
  const location = await ownLocation(ctx, locationId);
  const { row, token } = await insertProbe(ctx.db, { id: location.id, orgId: ctx.orgId }, input.name);
  const probe = toProbe(
    {
      ...row,
      region: location.name,
      location_id: location.id,
      version: null,
      last_seen_at: null,
      lag_p99_ms: null,
      checks_per_second: null,
      held_results: null,
      dropped_results: null,
    },
    ctx.clock.now().getTime(),
  );
  return { ...probe, token };
}

/** Revocation is one committed UPDATE, announced to every API process: polls in flight end with 401. */
export async function revokeProbe(ctx: ActorContext, locationId: string, probeId: string) {
  await ownLocation(ctx, locationId);
  const row = await ctx.db
    .updateTable('probes')
    .set({ revoked_at: sql`now()` })
    .where('org_id', '=', ctx.orgId)
    .where('region_id', '=', locationId)
    .where('id', '=', probeId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('probe');
  ctx.afterCommit(() => announceRevocation(ctx.redis, ctx.config.QUEUE_PREFIX, [row.id]));
}

/**
 * The organization's private-location probes, and the probes of the deployment's probe regions its
 * monitors use. Deployment probes are not the organization's rows: they are read with the service
 * role, only for the regions the tenant transaction found in use.
 */
export async function listProbes(ctx: TenantContext, service: Db) {
  const own = await ctx.db
    .selectFrom('probes as p')
    .innerJoin('probe_regions as r', 'r.id', 'p.region_id')
    .select([...probeColumns, 'r.id as location_id'])
    .where('p.org_id', '=', ctx.orgId)
    .where('p.revoked_at', 'is', null)
    .execute();
  const used = await sql<{ region: string }>`
    SELECT DISTINCT jsonb_array_elements_text(config -> 'regions') AS region
    FROM monitors WHERE org_id = ${ctx.orgId}`.execute(ctx.db);
  const regions = used.rows.map((r) => r.region);
  const shared =
    regions.length === 0
      ? []
      : await service
          .selectFrom('probes as p')
          .innerJoin('probe_regions as r', 'r.id', 'p.region_id')
          .select([...probeColumns, sql<null>`NULL`.as('location_id')])
          .where('r.org_id', 'is', null)
          .where('r.name', 'in', regions)
          .where('p.revoked_at', 'is', null)
          .execute();
  const nowMs = ctx.clock.now().getTime();
  const items = [...own, ...shared]
    .map((row) => toProbe(row, nowMs))
    .sort((a, b) => (a.region === b.region ? a.name.localeCompare(b.name) : a.region < b.region ? -1 : 1));
  return { items };
}
