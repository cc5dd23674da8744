import type { Metadata } from 'next';
import { GroupsPage } from '../../../components/groups-page';

export const metadata: Metadata = { title: 'Monitor groups' };

export default function Page() {
  return <GroupsPage />;
}
