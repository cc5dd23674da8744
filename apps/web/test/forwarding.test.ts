import { describe, expect, it } from 'vitest';
import { parseWebEnv } from '../src/env';
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

  it('takes the address a trusted front proxy names, ignoring what the client put in X-Forwarded-For', () => {
    const headers = new Headers({ 'x-real-ip': '198.51.100.7', 'x-forwarded-for': '10.0.0.5' });
    expect(clientAddress(headers, 'x-real-ip')).toBe('198.51.100.7');
  });

  it('falls back to the socket address when the trusted header is missing or not one address', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '10.0.0.5' }), 'x-real-ip')).toBe('10.0.0.5');
    expect(
      clientAddress(
        new Headers({ 'x-real-ip': '1.2.3.4, 5.6.7.8', 'x-forwarded-for': '10.0.0.5' }),
        'x-real-ip',
      ),
    ).toBe('10.0.0.5');
  });

  it('trusts no proxy header unless the deployment names one', () => {
    const headers = new Headers({ 'x-real-ip': '198.51.100.7', 'x-forwarded-for': '10.0.0.5' });
    expect(clientAddress(headers)).toBe('10.0.0.5');
  });
});

describe('CLIENT_ADDRESS_HEADER', () => {
  it('is a header name, kept lower-case, and never a list header the client can add to', () => {
    expect(parseWebEnv({ CLIENT_ADDRESS_HEADER: 'X-Real-IP' }).CLIENT_ADDRESS_HEADER).toBe('x-real-ip');
    expect(parseWebEnv({}).CLIENT_ADDRESS_HEADER).toBeUndefined();
    expect(() => parseWebEnv({ CLIENT_ADDRESS_HEADER: 'x-forwarded-for' })).toThrow(/one address/);
    expect(() => parseWebEnv({ CLIENT_ADDRESS_HEADER: 'x real ip' })).toThrow(/header name/);
  });
});
