import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '../../../components/login-form';
import { isFreshInstall } from '../../../lib/server-api';

export const metadata: Metadata = { title: 'Log in' };

// Asked on every visit: the answer changes once, when the first person signs up.
export const dynamic = 'force-dynamic';

export default async function LoginPage() {
  // Nobody can log in yet: the first visitor creates the first account.
  if (await isFreshInstall()) redirect('/signup');
  return <LoginForm />;
}
