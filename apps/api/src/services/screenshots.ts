import type { TenantContext } from '../context';
import { apiErrors } from '../errors';

/** The PNG a failed browser check took of its page, for one slot and region; not found when none was stored. */
export async function readScreenshot(
  ctx: TenantContext,
  query: { monitorId: string; scheduledAt: string; region: string; kind: 'scheduled' | 'confirmation' },
): Promise<Buffer> {
  const row = await ctx.db
    .selectFrom('check_artifacts')
    .select('png')
    .where('org_id', '=', ctx.orgId)
    .where('monitor_id', '=', query.monitorId)
    .where('scheduled_at', '=', new Date(query.scheduledAt))
    .where('region', '=', query.region)
    .where('kind', '=', query.kind)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('screenshot');
  return row.png;
}
