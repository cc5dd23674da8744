import type { Metadata } from 'next';
import { VerifyEmail } from '../../../components/verify-email';

export const metadata: Metadata = { title: 'Email verification' };

export default function Page() {
  return <VerifyEmail />;
}
