import type { Metadata } from 'next';
import { PublicStatusPage } from '../../../components/public-status-page';

export const metadata: Metadata = { title: 'Status' };

export default async function StatusPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <main id="main" className="page page--narrow">
      <PublicStatusPage slug={slug} />
      <p className="muted">Powered by SentinelMesh</p>
    </main>
  );
}
