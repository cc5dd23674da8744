import {
  canonicalJson,
  changedFields,
  type FieldChange,
  monitorsOutsideComponents,
  type StatusPageEntry,
} from '@sentinelmesh/core';
import type { LivePage } from './live';
import type { Match } from './match';

interface ComponentForm {
  name: string;
  description: string | null;
  monitors: string[];
}

/** A page as a plan compares it: monitors by key, those of components apart from the rest. */
interface PageForm {
  fields: Record<string, unknown>;
  components: ComponentForm[];
}

/** A page entry's branding, domain and badge switch; one the file leaves out is none (badges: off). */
export const pageSettings = (entry: StatusPageEntry) => ({
  description: entry.description || null,
  logoUrl: entry.logoUrl ?? null,
  brandColor: entry.brandColor ?? null,
  footerText: entry.footerText || null,
  links: entry.links ?? [],
  customDomain: entry.customDomain ?? null,
  badgesEnabled: entry.badgesEnabled ?? false,
});

/** What a page entry asks for. */
function desiredPage(entry: StatusPageEntry): PageForm {
  const components = (entry.components ?? []).map((c) => ({
    name: c.name,
    description: c.description || null,
    monitors: [...new Set(c.monitors)],
  }));
  return {
    components,
    fields: {
      slug: entry.slug,
      title: entry.title,
      monitors: monitorsOutsideComponents(entry.monitors, components),
      ...pageSettings(entry),
    },
  };
}

function livePage(live: LivePage, monitorKey: (id: string) => string): PageForm {
  const { components, ...settings } = live.settings;
  const forms = components.map((c) => ({
    name: c.name,
    description: c.description,
    monitors: c.monitorIds.map(monitorKey),
  }));
  return {
    components: forms,
    fields: {
      slug: live.slug,
      title: live.title,
      monitors: monitorsOutsideComponents(live.monitorIds.map(monitorKey), forms),
      ...settings,
    },
  };
}

/** Live and desired components paired: by name (case aside), then the rest in order (a rename). */
function pairComponents(before: ComponentForm[], after: ComponentForm[]) {
  const byName = new Map(before.map((c) => [c.name.toLowerCase(), c]));
  const paired = new Set<ComponentForm>();
  const pairs = after.map((a) => {
    const b = byName.get(a.name.toLowerCase());
    if (b) paired.add(b);
    return { before: b, after: a };
  });
  const unpaired = before.filter((b) => !paired.has(b));
  for (const pair of pairs) if (!pair.before) pair.before = unpaired.shift();
  return [...pairs, ...unpaired.map((b) => ({ before: b, after: undefined }))];
}

const contentOf = (c: ComponentForm | undefined) => ({
  description: c?.description ?? null,
  monitors: c?.monitors ?? [],
});

/**
 * The components' changes: `components` lists the names in order when one is added, removed,
 * renamed or moved; `components.<name>.monitors` and `.description` when those change.
 */
function componentChanges(before: ComponentForm[], after: ComponentForm[]): FieldChange[] {
  const names = (list: ComponentForm[]) => list.map((c) => c.name);
  const changes: FieldChange[] =
    canonicalJson(names(before)) === canonicalJson(names(after))
      ? []
      : [{ field: 'components', before: names(before), after: names(after) }];
  for (const pair of pairComponents(before, after)) {
    const name = (pair.after ?? pair.before)?.name;
    for (const change of changedFields(contentOf(pair.before), contentOf(pair.after)))
      changes.push({ ...change, field: `components.${name}.${change.field}` });
  }
  return changes;
}

/** The fields an apply changes on a page: its own, then its components'. */
export function planPage(m: Match<StatusPageEntry, LivePage>, monitorKey: (id: string) => string) {
  const { entry, live } = m;
  if (!live) return [];
  const before = livePage(live, monitorKey);
  const after = desiredPage(entry);
  return [
    ...changedFields(before.fields, after.fields),
    ...componentChanges(before.components, after.components),
  ];
}

/** Whether a change rewrites the page's components. */
export const changesComponents = (fields: FieldChange[]) =>
  fields.some((f) => f.field === 'components' || f.field.startsWith('components.'));
