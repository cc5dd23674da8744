import { describe, expect, it } from 'vitest';
import { clientAddress } from '../src/lib/forwarding';

describe('clientAddress', () => {
  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::ffff:127.0.0.3', '127.0.0.3'],
    ['2001:db8::1', '2001:db8::1'],
    [' 203.0.113.9 ', '203.0.113.9'],
  ])('passes the socket address %s on as %s', (header, expected) => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': header }))).toBe(expected);
  });

  it.each(['203.0.113.9, 10.0.0.1', 'unknown', 'evil.example.com', ''])(
    'passes nothing for %j, which is not one address',
    (header) => {
      expect(clientAddress(new Headers({ 'x-forwarded-for': header }))).toBeNull();
    },
  );

  it('passes nothing when there is no header', () => {
    expect(clientAddress(new Headers())).toBeNull();
  });
});
