import type { Metadata } from 'next';
import { AcceptInvitation } from '../../../../components/accept-invitation';

// The address carries a live token: no Referer header takes it to another site.
export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer' };

export default function Page() {
  return <AcceptInvitation />;
}
