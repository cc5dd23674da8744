import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SubscriptionLink } from '../../../../components/subscription-link';

export const metadata: Metadata = { title: 'Confirm subscription' };

export default async function ConfirmSubscriptionPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <main id="main" className="page page--narrow">
      <Suspense>
        <SubscriptionLink slug={slug} action="confirm" />
      </Suspense>
    </main>
  );
}
