import type { TenantContext } from '../context';
import { apiErrors } from '../errors';
import { pageIncidentHistory, STATUS_WORDS } from './status-page-incidents';
import { pageMaintenance } from './status-page-maintenance';
import { subscriberLinks } from './subscriber-links';

/** Entries in a feed: the newest updates of the last 90 days' incidents. */
export const FEED_ENTRIES = 50;

// Characters XML 1.0 cannot carry at all, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is removed
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlText(value: string): string {
  return value
    .replace(NOT_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

interface FeedEntry {
  id: string;
  title: string;
  text: string;
  at: string;
}

interface Feed {
  title: string;
  pageUrl: string;
  selfUrl: string;
  updated: string;
  entries: FeedEntry[];
}

/**
 * Maintenance of the page's monitors running now or starting within the announcement horizon: one
 * entry per occurrence, dated when its window was last saved (a running one, when it began).
 */
async function maintenanceEntries(ctx: TenantContext, pageId: string): Promise<FeedEntry[]> {
  const monitors = await ctx.db
    .selectFrom('status_page_monitors')
    .select('monitor_id')
    .where('org_id', '=', ctx.orgId)
    .where('status_page_id', '=', pageId)
    .execute();
  const { active, upcoming } = await pageMaintenance(
    ctx.db,
    ctx.orgId,
    monitors.map((m) => m.monitor_id),
    ctx.clock.now(),
  );
  const windowIds = [...new Set([...active, ...upcoming].map((o) => o.windowId))];
  if (windowIds.length === 0) return [];
  const saved = new Map(
    (
      await ctx.db
        .selectFrom('maintenance_windows')
        .select(['id', 'updated_at'])
        .where('org_id', '=', ctx.orgId)
        .where('id', 'in', windowIds)
        .execute()
    ).map((w) => [w.id, w.updated_at.toISOString()]),
  );
  const entry = (running: boolean) => (o: (typeof active)[number]) => ({
    id: `urn:sentinelmesh:maintenance:${o.windowId}:${o.startsAt}`,
    title: `${running ? 'Maintenance in progress' : 'Scheduled maintenance'}: ${o.name}`,
    text: `From ${o.startsAt} to ${o.endsAt} (UTC).`,
    at: running ? o.startsAt : (saved.get(o.windowId) ?? o.startsAt),
  });
  return [...active.map(entry(true)), ...upcoming.map(entry(false))];
}

/** The page's feed: one entry per incident update and per maintenance occurrence shown, newest first. */
export async function pageFeed(ctx: TenantContext, slug: string, format: 'rss' | 'atom'): Promise<Feed> {
  const page = await ctx.db
    .selectFrom('status_pages')
    .select(['id', 'title', 'updated_at'])
    .where('org_id', '=', ctx.orgId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!page) throw apiErrors.notFound('status page');
  const { items } = await pageIncidentHistory(ctx, page.id, { limit: FEED_ENTRIES });
  const entries = items
    .flatMap((incident) =>
      incident.updates.map((update) => ({
        id: `urn:uuid:${update.id}`,
        title: `${STATUS_WORDS[update.status]}: ${incident.title}`,
        text: update.message,
        at: update.at,
      })),
    )
    .concat(await maintenanceEntries(ctx, page.id))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, FEED_ENTRIES);
  const links = subscriberLinks(ctx.config.DASHBOARD_ORIGIN, slug);
  return {
    title: `${page.title} status`,
    pageUrl: links.page,
    selfUrl: new URL(
      `/api/v1/public/status-pages/${encodeURIComponent(slug)}/feed.${format}`,
      ctx.config.DASHBOARD_ORIGIN,
    ).toString(),
    updated: entries[0]?.at ?? page.updated_at.toISOString(),
    entries,
  };
}

/** Atom 1.0 (RFC 4287). */
export function renderAtom(feed: Feed): string {
  const entries = feed.entries.map(
    (e) => `  <entry>
    <id>${xmlText(e.id)}</id>
    <title>${xmlText(e.title)}</title>
    <updated>${e.at}</updated>
    <link rel="alternate" href="${xmlText(feed.pageUrl)}"/>
    <content type="text">${xmlText(e.text)}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xmlText(feed.selfUrl)}</id>
  <title>${xmlText(feed.title)}</title>
  <updated>${feed.updated}</updated>
  <author><name>${xmlText(feed.title)}</name></author>
  <link rel="self" type="application/atom+xml" href="${xmlText(feed.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${xmlText(feed.pageUrl)}"/>
${entries.join('\n')}
</feed>
`;
}

/** RSS 2.0. */
export function renderRss(feed: Feed): string {
  const items = feed.entries.map(
    (e) => `    <item>
      <guid isPermaLink="false">${xmlText(e.id)}</guid>
      <title>${xmlText(e.title)}</title>
      <link>${xmlText(feed.pageUrl)}</link>
      <description>${xmlText(e.text)}</description>
      <pubDate>${new Date(e.at).toUTCString()}</pubDate>
    </item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${xmlText(feed.title)}</title>
    <link>${xmlText(feed.pageUrl)}</link>
    <description>${xmlText(`Incidents, updates and maintenance of ${feed.title}`)}</description>
    <atom:link rel="self" type="application/rss+xml" href="${xmlText(feed.selfUrl)}"/>
    <lastBuildDate>${new Date(feed.updated).toUTCString()}</lastBuildDate>
${items.join('\n')}
  </channel>
</rss>
`;
}
