import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PublicStatusPage } from '../../../components/public-status-page';
import { StatusPageSubscribe } from '../../../components/status-page-subscribe';
import type { PublicStatusPage as PublicStatusPageData } from '../../../lib/api-types';
import { publicGet } from '../../../lib/server-api';

export const metadata: Metadata = { title: 'Status' };

/**
 * Rendered once per page and period, then served from Next.js's cache to every visitor (incremental
 * static regeneration; docs/operations.md): the crowd of an outage costs the dashboard no render and
 * the API one read per page every REVALIDATE_SECONDS; the page in the browser reads the cached API.
 */
const REVALIDATE_SECONDS = 10;
export const revalidate = 10;

// No page is built ahead: each is rendered at its first visit, then kept.
export function generateStaticParams(): { slug: string }[] {
  return [];
}

/**
 * An unknown slug answers 404 itself, not a page saying so. A known one is rendered with what the API
 * answered (so a custom domain's first response already shows the page); failures are left to the
 * page's own reads.
 */
async function requireKnownSlug(slug: string): Promise<PublicStatusPageData | undefined> {
  const response = await publicGet(
    `/v1/public/status-pages/${encodeURIComponent(slug)}`,
    REVALIDATE_SECONDS,
  ).catch(() => null);
  if (response?.status === 404) notFound();
  if (!response?.ok) {
    await response?.body?.cancel();
    return undefined;
  }
  return (await response.json().catch(() => undefined)) as PublicStatusPageData | undefined;
}

export default async function StatusPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const initial = await requireKnownSlug(slug);
  // Rendered once per period and kept (above): the browser reads the page again when this is stale.
  const initialAt = Date.now();
  return (
    <main id="main" className="page page--narrow">
      <PublicStatusPage slug={slug} initial={initial} initialAt={initialAt} />
      <StatusPageSubscribe slug={slug} />
      <p className="muted">Powered by SentinelMesh</p>
    </main>
  );
}
