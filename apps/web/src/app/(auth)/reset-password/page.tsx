import type { Metadata } from 'next';
import { ResetPasswordForm } from '../../../components/reset-password-form';

// The address carries a live token: no Referer header takes it to another site.
export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

export default function Page() {
  return <ResetPasswordForm />;
}
