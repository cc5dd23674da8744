import type { Metadata } from 'next';
import { MonitorsOverview } from '../../components/monitors-overview';

export const metadata: Metadata = { title: 'Monitors' };

export default function MonitorsPage() {
  return <MonitorsOverview />;
}
