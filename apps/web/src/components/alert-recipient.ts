import { channelTypes, isChannelTypeName } from '@sentinelmesh/core';
import type { AlertRecipient } from '../lib/api-types';

/** Who an alert went to, in words: the channel (and its type), or the member's email address. */
export function recipientLabel(alert: {
  channel: { name: string | null; type: string | null } | null;
  recipient?: AlertRecipient;
}): string {
  const { channel } = alert;
  if (!channel) return `${alert.recipient?.name ?? 'a former member'} (email)`;
  const type = channel.type && isChannelTypeName(channel.type) ? channelTypes[channel.type].label : null;
  const name = channel.name ?? 'a deleted channel';
  return type ? `${name} (${type})` : name;
}
