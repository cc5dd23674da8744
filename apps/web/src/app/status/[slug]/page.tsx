import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PublicStatusPage } from '../../../components/public-status-page';
import type { PublicStatusPage as PageData } from '../../../lib/api-types';
import { publicGet } from '../../../lib/server-api';

export const metadata: Metadata = { title: 'Status' };

/**
 * Rendered once per page and period, then served from Next.js's cache to every visitor (incremental
 * static regeneration; docs/operations.md): during an outage the crowd costs the API one read per
 * page every REVALIDATE_SECONDS per dashboard process, and the page in the browser polls the cached API.
 */
const REVALIDATE_SECONDS = 10;
export const revalidate = 10;

// No page is built ahead: each is rendered at its first visit, then kept.
export function generateStaticParams(): { slug: string }[] {
  return [];
}

/** The page as the API serves it; null when the API cannot answer (the browser then reads it itself). */
async function initialPage(slug: string): Promise<PageData | null> {
  const response = await publicGet(
    `/v1/public/status-pages/${encodeURIComponent(slug)}`,
    REVALIDATE_SECONDS,
  ).catch(() => null);
  if (response?.status === 404) notFound();
  if (!response?.ok) {
    await response?.body?.cancel();
    return null;
  }
  return (await response.json().catch(() => null)) as PageData | null;
}

export default async function StatusPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const initial = await initialPage(slug);
  return (
    <main id="main" className="page page--narrow">
      <PublicStatusPage slug={slug} {...(initial ? { initial } : {})} />
      <p className="muted">Powered by SentinelMesh</p>
    </main>
  );
}
