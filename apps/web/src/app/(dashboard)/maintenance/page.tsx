import type { Metadata } from 'next';
import { MaintenancePage } from '../../../components/maintenance-page';

export const metadata: Metadata = { title: 'Maintenance windows' };

export default function Page() {
  return <MaintenancePage />;
}
