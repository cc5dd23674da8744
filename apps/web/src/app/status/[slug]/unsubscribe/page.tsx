import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SubscriptionLink } from '../../../../components/subscription-link';

export const metadata: Metadata = { title: 'Unsubscribe' };

export default async function UnsubscribePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <main id="main" className="page page--narrow">
      <Suspense>
        <SubscriptionLink slug={slug} action="unsubscribe" />
      </Suspense>
    </main>
  );
}
