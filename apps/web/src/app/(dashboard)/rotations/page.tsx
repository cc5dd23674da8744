import type { Metadata } from 'next';
import { RotationsPage } from '../../../components/rotations-page';

export const metadata: Metadata = { title: 'On-call rotations' };

export default function Page() {
  return <RotationsPage />;
}
