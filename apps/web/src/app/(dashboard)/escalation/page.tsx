import type { Metadata } from 'next';
import { EscalationPage } from '../../../components/escalation-page';

export const metadata: Metadata = { title: 'Escalation policies' };

export default function Page() {
  return <EscalationPage />;
}
