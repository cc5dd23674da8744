import type { EscalationStep, FieldProblem } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import type { CreateEscalationPolicy, PatchEscalationPolicy } from '../schemas/escalation-policies';

function selectPolicies(db: TenantDb, orgId: string) {
  return db
    .selectFrom('escalation_policies as p')
    .select([
      'p.id',
      'p.name',
      'p.steps',
      'p.repeat',
      'p.reminder_minutes',
      'p.created_at',
      'p.updated_at',
      'p.key',
      'p.managed',
      sql<string[]>`coalesce((
        SELECT array_agg(m.id::text ORDER BY m.id) FROM monitors m
        WHERE m.escalation_policy_id = p.id AND m.org_id = p.org_id
      ), '{}')`.as('monitor_ids'),
    ])
    .where('p.org_id', '=', orgId);
}

type PolicyRow = Awaited<ReturnType<ReturnType<typeof selectPolicies>['executeTakeFirstOrThrow']>>;

const toView = (row: PolicyRow) => ({
  id: row.id,
  name: row.name,
  steps: row.steps,
  repeat: row.repeat,
  reminderMinutes: row.reminder_minutes,
  monitorIds: row.monitor_ids,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  key: row.key,
  managed: row.managed,
});

/** Every target must be a channel, a member or an on-call rotation of this organization. */
async function checkTargets(ctx: TenantContext, steps: readonly EscalationStep[]): Promise<void> {
  const problems: FieldProblem[] = [];
  const channels = new Set(
    (await ctx.db.selectFrom('channels').select('id').where('org_id', '=', ctx.orgId).execute()).map(
      (r) => r.id,
    ),
  );
  const members = new Set(
    (await ctx.db.selectFrom('memberships').select('user_id').where('org_id', '=', ctx.orgId).execute()).map(
      (r) => r.user_id,
    ),
  );
  const rotations = new Set(
    (await ctx.db.selectFrom('oncall_rotations').select('id').where('org_id', '=', ctx.orgId).execute()).map(
      (r) => r.id,
    ),
  );
  for (const [i, step] of steps.entries()) {
    for (const [j, target] of step.targets.entries()) {
      const path = `steps.${i}.targets.${j}`;
      if (target.type === 'channel' && !channels.has(target.channelId)) {
        problems.push({ path: `${path}.channelId`, message: `no such channel: ${target.channelId}` });
      } else if (target.type === 'member' && !members.has(target.userId)) {
        problems.push({
          path: `${path}.userId`,
          message: `not a member of this organization: ${target.userId}`,
        });
      } else if (target.type === 'rotation' && !rotations.has(target.rotationId)) {
        problems.push({ path: `${path}.rotationId`, message: `no such rotation: ${target.rotationId}` });
      }
    }
  }
  if (problems.length > 0) throw apiErrors.invalid('escalation policy', problems);
}

export async function getEscalationPolicy(ctx: TenantContext, id: string) {
  const row = await selectPolicies(ctx.db, ctx.orgId).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('escalation policy');
  return toView(row);
}

export async function listEscalationPolicies(
  ctx: TenantContext,
  page: { key?: string | undefined; limit: number; cursor?: string | undefined },
) {
  let query = selectPolicies(ctx.db, ctx.orgId);
  if (page.key) query = query.where('p.key', '=', page.key);
  return keysetPage(query, byTimeThenId('p.created_at', 'p.id'), page, toView);
}

export async function createEscalationPolicy(ctx: TenantContext, input: CreateEscalationPolicy) {
  await checkTargets(ctx, input.steps);
  const row = await ctx.db
    .insertInto('escalation_policies')
    .values({
      org_id: ctx.orgId,
      name: input.name,
      steps: JSON.stringify(input.steps),
      repeat: input.repeat,
      reminder_minutes: input.reminderMinutes,
      updated_at: sql<Date>`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getEscalationPolicy(ctx, row.id);
}

/** Changes apply to incidents already climbing from their next step on. */
export async function updateEscalationPolicy(ctx: TenantContext, id: string, patch: PatchEscalationPolicy) {
  if (patch.steps) await checkTargets(ctx, patch.steps);
  const row = await ctx.db
    .updateTable('escalation_policies')
    .set({
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.steps === undefined ? {} : { steps: JSON.stringify(patch.steps) }),
      ...(patch.repeat === undefined ? {} : { repeat: patch.repeat }),
      ...(patch.reminderMinutes === undefined ? {} : { reminder_minutes: patch.reminderMinutes }),
      updated_at: sql<Date>`now()`,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('escalation policy');
  return getEscalationPolicy(ctx, id);
}

/** A policy that monitors use cannot go: they would fall back to their channels unnoticed. */
export async function deleteEscalationPolicy(ctx: TenantContext, id: string): Promise<void> {
  const policy = await getEscalationPolicy(ctx, id);
  if (policy.monitorIds.length > 0) throw apiErrors.policyInUse(policy.monitorIds.length);
  await ctx.db
    .deleteFrom('escalation_policies')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .execute();
}

/** The policy a monitor names must be one of this organization's; otherwise a 400 naming the field. */
export async function checkEscalationPolicy(db: TenantDb, orgId: string, id: string | null): Promise<void> {
  if (id === null) return;
  const row = await db
    .selectFrom('escalation_policies')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) {
    throw apiErrors.invalid('monitor', [
      { path: 'escalationPolicyId', message: `no such escalation policy: ${id}` },
    ]);
  }
}
