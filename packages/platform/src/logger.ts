import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs: credentials, cookies and channel secrets. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'config.secret',
  'config.webhookUrl',
  'config.routingKey',
  'accessToken',
  'refreshToken',
  'key',
];

/** One JSON logger per process; components take `logger.child({ component })`. */
export function createLogger(app: string, level = 'info'): Logger {
  return pino({
    name: app,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { app },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
