import type { Metadata } from 'next';
import { ApiKeysPage } from '../../../../components/api-keys-page';
import { parseWebEnv } from '../../../../env';

export const metadata: Metadata = { title: 'API keys' };

// API_PUBLIC_URL is read when the page is served, not frozen into the build.
export const dynamic = 'force-dynamic';

export default function Page() {
  const { API_PUBLIC_URL } = parseWebEnv(process.env);
  return <ApiKeysPage apiUrl={API_PUBLIC_URL} />;
}
