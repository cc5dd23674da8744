import { DomainError, PROBE_TOKEN } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { hashApiKey } from '../services/api-key-secrets';

/** Who a probe request comes from: the probe, its region, and for a private location its organization. */
export interface ProbeIdentity {
  probeId: string;
  regionId: string;
  region: string;
  orgId: string | null;
  allowPrivateTargets: boolean;
}

export const invalidProbeToken = () =>
  new DomainError('unauthenticated', 'the probe token is invalid or revoked; ask for a new one');

/**
 * Looks the token up by its SHA-256 on every request: a revoked probe (or one whose location was
 * deleted) is refused at once.
 */
export async function authenticateProbe(db: Db, authorization: string | undefined): Promise<ProbeIdentity> {
  const token = /^Bearer +(\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) {
    throw new DomainError('unauthenticated', 'send the probe token as "Authorization: Bearer smp_…"');
  }
  if (!PROBE_TOKEN.test(token)) throw invalidProbeToken();
  const row = await db
    .selectFrom('probes as p')
    .innerJoin('probe_regions as r', 'r.id', 'p.region_id')
    .select(['p.id', 'p.region_id', 'r.name', 'r.org_id', 'r.allow_private_targets'])
    .where('p.token_hash', '=', hashApiKey(token))
    .where('p.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw invalidProbeToken();
  return {
    probeId: row.id,
    regionId: row.region_id,
    region: row.name,
    orgId: row.org_id,
    allowPrivateTargets: row.allow_private_targets,
  };
}

/** Whether the probe still holds a valid token (a poll in flight re-checks this now and then). */
export async function probeIsActive(db: Db, probeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('probes')
    .select('id')
    .where('id', '=', probeId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
