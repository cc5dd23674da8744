import net from 'node:net';
import type { Redis } from 'ioredis';
import {
  addMonitorLine,
  emptyMonitorSample,
  type MonitorSample,
  parseRedisInfo,
  type RedisCounters,
} from './figures';

/**
 * Redis's counters now, read with one `INFO stats commandstats` on the bench's own connection (kept
 * open: a new connection would add its ready check's INFO to the window).
 */
export async function redisCounters(redis: Redis): Promise<RedisCounters> {
  return parseRedisInfo(await redis.info('stats', 'commandstats'));
}

/** The bench's own commands between two `redisCounters` reads: the first read's INFO. */
export const OWN_COMMANDS_PER_WINDOW = 1;

/**
 * Which commands run inside scripts and which clients send: `MONITOR` for `seconds` (at most
 * `maxLines` lines), read from a plain socket so the sample costs the bench little. Run outside the
 * measured window: MONITOR makes Redis work for every command it relays.
 */
export function sampleMonitor(url: string, seconds: number, maxLines = 500_000): Promise<MonitorSample> {
  const { hostname, port } = new URL(url);
  const sample = emptyMonitorSample();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname);
    let lines = 0;
    let rest = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(sample);
    };
    const timer = setTimeout(done, seconds * 1000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('latin1')).split('\r\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        addMonitorLine(sample, line);
        if (++lines >= maxLines) return done();
      }
    });
  });
}
