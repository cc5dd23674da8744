import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PublicStatusPage } from '../../../components/public-status-page';
import { StatusPageSubscribe } from '../../../components/status-page-subscribe';
import { serverGet } from '../../../lib/server-api';

export const metadata: Metadata = { title: 'Status' };

export const dynamic = 'force-dynamic';

/** An unknown slug answers 404 itself, not a page saying so; anything else is left to the page's own reads. */
async function requireKnownSlug(slug: string): Promise<void> {
  const response = await serverGet(`/v1/public/status-pages/${encodeURIComponent(slug)}`).catch(() => null);
  await response?.body?.cancel();
  if (response?.status === 404) notFound();
}

export default async function StatusPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  await requireKnownSlug(slug);
  return (
    <main id="main" className="page page--narrow">
      <PublicStatusPage slug={slug} />
      <StatusPageSubscribe slug={slug} />
      <p className="muted">Powered by SentinelMesh</p>
    </main>
  );
}
