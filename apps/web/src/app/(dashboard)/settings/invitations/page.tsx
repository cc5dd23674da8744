import type { Metadata } from 'next';
import { MyInvitationsPage } from '../../../../components/my-invitations-page';

export const metadata: Metadata = { title: 'Invitations' };

export default function Page() {
  return <MyInvitationsPage />;
}
