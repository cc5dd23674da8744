import type { ReactNode } from 'react';
import { AppHeader } from '../../components/app-header';
import { RegionBanner } from '../../components/region-banner';
import { RequireAuth } from '../../components/require-auth';
import { VerifyEmailBanner } from '../../components/verify-email-banner';
import { LiveUpdates } from '../../lib/live';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <RequireAuth>
      <LiveUpdates>
        <AppHeader />
        <main id="main" className="page">
          <VerifyEmailBanner />
          <RegionBanner />
          {children}
        </main>
      </LiveUpdates>
    </RequireAuth>
  );
}
