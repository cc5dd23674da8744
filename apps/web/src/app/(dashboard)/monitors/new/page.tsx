import type { Metadata } from 'next';
import { MonitorForm } from '../../../../components/monitor-form';

export const metadata: Metadata = { title: 'New monitor' };

export default function NewMonitorPage() {
  return <MonitorForm />;
}
