import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactRequestUrl } from '../src/logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('test', 'info', sink), text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('writes no monitor header value, URL credential or secret query value', () => {
    const { logger, text } = capture();
    logger.warn(
      {
        spec: {
          url: 'https://deploy:url-pass-1@h.example/p?token=query-tok-2&page=3',
          headers: { Authorization: 'Bearer header-3' },
        },
        headers: { 'x-api-key': 'header-4' },
        err: new Error('request to https://deploy:url-pass-1@h.example/p failed'),
      },
      'check failed',
    );
    const out = text();
    for (const secret of ['url-pass-1', 'query-tok-2', 'header-3', 'header-4'])
      expect(out).not.toContain(secret);
    expect(out).toContain('https://deploy:********@h.example/p?token=********&page=3');
  });

  it.each([
    ['/v1/heartbeats/abcDEF123_-xyz', '/v1/heartbeats/[redacted]'],
    ['/v1/heartbeats/abc?status=fail&message=disk', '/v1/heartbeats/[redacted]?status=fail&message=disk'],
    ['/v1/monitors?q=shop&access_token=t0k', '/v1/monitors?q=shop&access_token=********'],
    ['/v1/monitors?q=shop', '/v1/monitors?q=shop'],
  ])('logs the request path %s as %s', (path, logged) => {
    expect(redactRequestUrl(path)).toBe(logged);
  });
});
