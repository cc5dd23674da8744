import { type MonitorChange, monitorChangeSchema, monitorChangesChannel } from '@sentinelmesh/core';
import type { Logger } from './logger';
import type { RedisClient } from './redis';

/**
 * Subscribes to the API's monitor change announcements on a connection of its own (a subscribed
 * connection can do nothing else). Messages that do not parse are logged and dropped. Announcements
 * made while the connection was down are lost: `onReconnect` runs each time it is back.
 */
export async function listenForMonitorChanges(options: {
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  onChange: (change: MonitorChange) => void;
  onReconnect?: () => void;
}): Promise<{ close: () => Promise<void> }> {
  const channel = monitorChangesChannel(options.prefix);
  const subscriber = options.redis.duplicate();
  subscriber.on('error', (error) => options.logger.warn({ err: error }, 'change subscriber error'));
  let connected = false;
  subscriber.on('ready', () => {
    if (connected) options.onReconnect?.();
    connected = true;
  });
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let parsed: ReturnType<typeof monitorChangeSchema.safeParse>;
    try {
      parsed = monitorChangeSchema.safeParse(JSON.parse(message));
    } catch {
      options.logger.warn({ channel }, 'ignoring a monitor change that is not JSON');
      return;
    }
    if (!parsed.success) {
      options.logger.warn({ channel }, 'ignoring a malformed monitor change');
      return;
    }
    options.onChange(parsed.data);
  });
  await subscriber.subscribe(channel);
  return {
    close: async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
