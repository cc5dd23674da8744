import type { Metadata } from 'next';
import { VerifyEmail } from '../../../components/verify-email';

// The address carries a live token: no Referer header takes it to another site.
export const metadata: Metadata = { title: 'Email verification', referrer: 'no-referrer' };

export default function Page() {
  return <VerifyEmail />;
}
