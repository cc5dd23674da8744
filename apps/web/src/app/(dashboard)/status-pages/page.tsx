import type { Metadata } from 'next';
import { StatusPagesPage } from '../../../components/status-pages-page';
import { parseWebEnv } from '../../../env';

export const metadata: Metadata = { title: 'Status pages' };

// API_PUBLIC_URL is read when the page is served, not frozen into the build.
export const dynamic = 'force-dynamic';

export default function Page() {
  const { API_PUBLIC_URL } = parseWebEnv(process.env);
  return <StatusPagesPage apiUrl={API_PUBLIC_URL} />;
}
