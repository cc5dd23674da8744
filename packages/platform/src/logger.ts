import { maskUrl, maskUrlsIn } from '@sentinelmesh/core';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs: credentials, cookies, channel secrets, monitor headers and secrets. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers',
  '*.headers',
  'authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'config.secret',
  'config.webhookUrl',
  'config.routingKey',
  'accessToken',
  'refreshToken',
  'key',
  'heartbeatToken',
  '*.heartbeatToken',
];

/** Paths written with the secret parts of the URLs in them masked, the rest kept for reading. */
const maskedPaths = [
  'req.url',
  'url',
  '*.url',
  'err.message',
  'err.stack',
  'error.message',
  '*.error.message',
];

/** A request path as logged: a heartbeat's ping token and secret query values masked. */
export function redactRequestUrl(path: string): string {
  const tokenless = path.replace(/(\/heartbeats\/)[^/?#]+/, '$1[redacted]');
  if (!tokenless.includes('?')) return tokenless;
  const origin = 'http://log.invalid';
  const masked = maskUrl(`${origin}${tokenless}`);
  return masked.startsWith(origin) ? masked.slice(origin.length) : tokenless;
}

/** Never throws: a logger that fails on a strange value would take the process down with it. */
function censor(value: unknown, path: ReadonlyArray<string | symbol>): unknown {
  if (typeof value !== 'string') return '[redacted]';
  try {
    const last = String(path[path.length - 1]);
    if (path.length === 2 && path[0] === 'req' && last === 'url') return redactRequestUrl(value);
    if (last === 'url') return maskUrl(value);
    if (last === 'message' || last === 'stack') return maskUrlsIn(value);
  } catch {
    // fall through to the plain mark
  }
  return '[redacted]';
}

/** The pino redaction every process uses (exported for loggers built elsewhere, e.g. in tests). */
export const redactOptions = { paths: [...redactPaths, ...maskedPaths], censor };

/** One JSON logger per process; components take `logger.child({ component })`. */
export function createLogger(app: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: app,
      level,
      redact: redactOptions,
      base: { app },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
