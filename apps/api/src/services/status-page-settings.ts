import { sql } from 'kysely';
import type { z } from 'zod';
import type { TenantDb } from '../context';
import { apiErrors } from '../errors';
import type { statusPageExtrasBody } from '../schemas/status-page-extras';
import { findMissingIds } from './owned-ids';

export type StatusPageSettingsInput = Partial<z.output<z.ZodObject<typeof statusPageExtrasBody>>>;

type ComponentView = { id: string; name: string; description: string | null; monitorIds: string[] };

/** The read model's components: a JSON array in page order, each with its monitors in order. */
export const componentsColumn = sql<ComponentView[]>`coalesce((SELECT json_agg(json_build_object(
    'id', c.id, 'name', c.name, 'description', c.description,
    'monitorIds', coalesce((SELECT array_agg(spm.monitor_id::text ORDER BY spm.position)
      FROM status_page_monitors spm WHERE spm.component_id = c.id AND spm.org_id = c.org_id), '{}'))
    ORDER BY c.position)
  FROM status_page_components c WHERE c.status_page_id = p.id AND c.org_id = p.org_id), '[]')`.as(
  'components',
);

/** The branding, domain and badge columns of the read model. */
export const settingsColumns = [
  'p.description',
  'p.logo_url',
  'p.brand_color',
  'p.footer_text',
  'p.links',
  'p.custom_domain',
  'p.badges_enabled',
] as const;

export interface SettingsRow {
  description: string | null;
  logo_url: string | null;
  brand_color: string | null;
  footer_text: string | null;
  links: { label: string; url: string }[];
  custom_domain: string | null;
  badges_enabled: boolean;
  components: ComponentView[];
}

export const toSettingsView = (row: SettingsRow) => ({
  components: row.components,
  description: row.description,
  logoUrl: row.logo_url,
  brandColor: row.brand_color,
  footerText: row.footer_text,
  links: row.links,
  customDomain: row.custom_domain,
  badgesEnabled: row.badges_enabled,
});

/** What the public page shows of the branding. */
export async function statusPageBranding(db: TenantDb, orgId: string, pageId: string) {
  const row = await db
    .selectFrom('status_pages')
    .select(['description', 'logo_url', 'brand_color', 'footer_text', 'links'])
    .where('org_id', '=', orgId)
    .where('id', '=', pageId)
    .executeTakeFirstOrThrow();
  return {
    description: row.description,
    logoUrl: row.logo_url,
    brandColor: row.brand_color,
    footerText: row.footer_text,
    links: row.links,
  };
}

/**
 * Writes the branding, domain and badge fields that `input` carries, and, when it carries
 * `components`, replaces the page's components: their monitors join the page if missing, and the
 * page's monitors are re-ordered component by component, then those in none, as sent.
 */
export async function saveStatusPageSettings(
  db: TenantDb,
  orgId: string,
  pageId: string,
  input: StatusPageSettingsInput,
  writeUnique: (write: () => Promise<unknown>) => Promise<unknown>,
  link: (monitorIds: string[]) => Promise<void>,
): Promise<void> {
  const set = {
    ...(input.description !== undefined ? { description: input.description || null } : {}),
    ...(input.logoUrl !== undefined ? { logo_url: input.logoUrl } : {}),
    ...(input.brandColor !== undefined ? { brand_color: input.brandColor } : {}),
    ...(input.footerText !== undefined ? { footer_text: input.footerText || null } : {}),
    ...(input.links !== undefined ? { links: JSON.stringify(input.links) } : {}),
    ...(input.customDomain !== undefined ? { custom_domain: input.customDomain } : {}),
    ...(input.badgesEnabled !== undefined ? { badges_enabled: input.badgesEnabled } : {}),
  };
  if (Object.keys(set).length > 0) {
    await writeUnique(() =>
      db.updateTable('status_pages').set(set).where('org_id', '=', orgId).where('id', '=', pageId).execute(),
    );
  }
  if (input.components) await replaceComponents(db, orgId, pageId, input.components, link);
}

async function replaceComponents(
  db: TenantDb,
  orgId: string,
  pageId: string,
  components: NonNullable<StatusPageSettingsInput['components']>,
  link: (monitorIds: string[]) => Promise<void>,
): Promise<void> {
  const problems: { path: string; message: string }[] = [];
  const owner = new Map<string, number>();
  const names = new Set<string>();
  for (const [index, component] of components.entries()) {
    const key = component.name.toLowerCase();
    if (names.has(key))
      problems.push({ path: `components.${index}.name`, message: 'another component has this name' });
    names.add(key);
    const { unique, missing } = await findMissingIds(db, 'monitors', orgId, component.monitorIds);
    if (missing.length > 0)
      problems.push({
        path: `components.${index}.monitorIds`,
        message: `no such monitor: ${missing.join(', ')}`,
      });
    for (const id of unique) {
      if (owner.has(id))
        problems.push({ path: `components.${index}.monitorIds`, message: `${id} is in another component` });
      else owner.set(id, index);
    }
  }
  if (problems.length > 0) throw apiErrors.invalid('status page', problems);

  const current = await db
    .selectFrom('status_page_monitors')
    .select('monitor_id')
    .where('org_id', '=', orgId)
    .where('status_page_id', '=', pageId)
    .orderBy('position')
    .execute();
  const grouped = [...owner.keys()];
  await link([...grouped, ...current.map((r) => r.monitor_id).filter((id) => !owner.has(id))]);

  await db
    .deleteFrom('status_page_components')
    .where('org_id', '=', orgId)
    .where('status_page_id', '=', pageId)
    .execute();
  if (components.length === 0) return;
  const rows = await db
    .insertInto('status_page_components')
    .values(
      components.map((c, position) => ({
        org_id: orgId,
        status_page_id: pageId,
        name: c.name,
        description: c.description || null,
        position,
      })),
    )
    .returning(['id', 'position'])
    .execute();
  for (const row of rows) {
    const monitorIds = grouped.filter((id) => owner.get(id) === row.position);
    if (monitorIds.length === 0) continue;
    await db
      .updateTable('status_page_monitors')
      .set({ component_id: row.id })
      .where('org_id', '=', orgId)
      .where('status_page_id', '=', pageId)
      .where('monitor_id', 'in', monitorIds)
      .execute();
  }
}
