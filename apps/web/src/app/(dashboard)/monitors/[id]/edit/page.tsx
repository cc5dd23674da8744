import type { Metadata } from 'next';
import { EditMonitor } from '../../../../../components/edit-monitor';

export const metadata: Metadata = { title: 'Edit monitor' };

export default async function EditMonitorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EditMonitor id={id} />;
}
