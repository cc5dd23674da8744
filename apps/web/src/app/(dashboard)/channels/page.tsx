import type { Metadata } from 'next';
import { ChannelsPage } from '../../../components/channels-page';

export const metadata: Metadata = { title: 'Alert channels' };

export default function Page() {
  return <ChannelsPage />;
}
