import type { Metadata } from 'next';
import { StatusPageHistory } from '../../../../components/status-page-history';

export const metadata: Metadata = { title: 'Incident history' };

export const dynamic = 'force-dynamic';

export default async function StatusHistoryPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <main id="main" className="page page--narrow">
      <StatusPageHistory slug={slug} />
      <p className="muted">Powered by SentinelMesh</p>
    </main>
  );
}
