import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  BlockedTargetError,
  classifyAddress,
  guardedLookup,
  internalDnsName,
  isPublicAddress,
  obviouslyPrivateHost,
  resolveTarget,
} from '../src/target-guard';

// No traffic: every case here is classification or a resolver replaced by a table.

describe('address classification', () => {
  it.each([
    // loopback, every spelling
    ['127.0.0.1', 'loopback', '127.0.0.1'],
    ['127.255.255.254', 'loopback', '127.255.255.254'],
    ['127.1', 'loopback', '127.0.0.1'],
    ['2130706433', 'loopback', '127.0.0.1'],
    ['017700000001', 'loopback', '127.0.0.1'],
    ['0x7f000001', 'loopback', '127.0.0.1'],
    ['0x7f.1', 'loopback', '127.0.0.1'],
    ['0177.0.0.1', 'loopback', '127.0.0.1'],
    ['0x7f.0x0.0x0.0x1', 'loopback', '127.0.0.1'],
    ['127.000.000.001', 'loopback', '127.0.0.1'],
    ['127.0.0.1.', 'loopback', '127.0.0.1'],
    ['::1', 'loopback', '::1'],
    ['[::1]', 'loopback', '::1'],
    ['0:0:0:0:0:0:0:1', 'loopback', '::1'],
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['[::ffff:7f00:1]', 'loopback', '127.0.0.1'],
    ['::127.0.0.1', 'loopback', '127.0.0.1'],
    ['::7f00:1', 'loopback', '127.0.0.1'],
    ['[::a9fe:a9fe]', 'linkLocal', '169.254.169.254'],
    // the zero address reaches the local host
    ['0.0.0.0', 'unspecified', '0.0.0.0'],
    ['0', 'unspecified', '0.0.0.0'],
    ['0.1.2.3', 'unspecified', '0.1.2.3'],
    ['::', 'unspecified', '::'],
    ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0'],
    // RFC 1918
    ['10.0.0.1', 'private', '10.0.0.1'],
    ['10.255.255.255', 'private', '10.255.255.255'],
    ['012.0.0.1', 'private', '10.0.0.1'],
    ['167772161', 'private', '10.0.0.1'],
    ['172.16.0.1', 'private', '172.16.0.1'],
    ['172.31.255.255', 'private', '172.31.255.255'],
    ['192.168.1.1', 'private', '192.168.1.1'],
    ['0xc0a80101', 'private', '192.168.1.1'],
    ['::ffff:192.168.1.1', 'private', '192.168.1.1'],
    // link-local, including cloud metadata
    ['169.254.169.254', 'linkLocal', '169.254.169.254'],
    ['2852039166', 'linkLocal', '169.254.169.254'],
    ['0xa9fea9fe', 'linkLocal', '169.254.169.254'],
    ['::ffff:169.254.169.254', 'linkLocal', '169.254.169.254'],
    ['fe80::1', 'linkLocal', 'fe80::1'],
    ['fe80::1%eth0', 'linkLocal', 'fe80::1%eth0'],
    // CGNAT
    ['100.64.0.1', 'carrierGradeNat', '100.64.0.1'],
    ['100.127.255.255', 'carrierGradeNat', '100.127.255.255'],
    // IPv6 unique local
    ['fc00::1', 'uniqueLocal', 'fc00::1'],
    ['fd12:3456::1', 'uniqueLocal', 'fd12:3456::1'],
    ['fd00:ec2::254', 'uniqueLocal', 'fd00:ec2::254'],
    // multicast and broadcast
    ['224.0.0.1', 'multicast', '224.0.0.1'],
    ['239.255.255.250', 'multicast', '239.255.255.250'],
    ['ff02::1', 'multicast', 'ff02::1'],
    ['255.255.255.255', 'broadcast', '255.255.255.255'],
    // reserved, documentation and benchmarking
    ['240.0.0.1', 'reserved', '240.0.0.1'],
    ['192.0.0.8', 'reserved', '192.0.0.8'],
    ['192.0.2.1', 'reserved', '192.0.2.1'],
    ['198.18.0.1', 'reserved', '198.18.0.1'],
    ['198.51.100.1', 'reserved', '198.51.100.1'],
    ['203.0.113.1', 'reserved', '203.0.113.1'],
    ['2001:db8::1', 'reserved', '2001:db8::1'],
    // IPv6 forms that embed or tunnel to IPv4 are not trusted either
    ['64:ff9b::7f00:1', 'rfc6052', '64:ff9b::7f00:1'],
    ['2002:7f00:1::', '6to4', '2002:7f00:1::'],
    ['2001::1', 'teredo', '2001::1'],
    ['100::1', 'discard', '100::1'],
    ['fec0::1', 'deprecatedSiteLocal', 'fec0::1'],
  ])('%s is %s (%s) and not public', (input, range, address) => {
    expect(classifyAddress(input)).toMatchObject({ range, address, public: false });
    expect(isPublicAddress(input)).toBe(false);
  });

  it.each([
    ['8.8.8.8', '8.8.8.8'],
    ['1.1.1.1', '1.1.1.1'],
    ['134744072', '8.8.8.8'],
    ['172.32.0.1', '172.32.0.1'],
    ['100.128.0.1', '100.128.0.1'],
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['2606:4700:4700::1111', '2606:4700:4700::1111'],
    ['[2001:4860:4860::8888]', '2001:4860:4860::8888'],
  ])('%s is a public address (%s)', (input, address) => {
    expect(classifyAddress(input)).toMatchObject({ address, range: 'unicast', public: true });
    expect(isPublicAddress(input)).toBe(true);
  });

  it.each(['example.com', 'localhost', '', 'not an address', '1e100.net'])(
    '%j is a name, not an address',
    (input) => {
      expect(classifyAddress(input)).toBeNull();
      expect(isPublicAddress(input)).toBe(false);
    },
  );
});

describe('obviously private hosts (no DNS)', () => {
  it.each([
    ['localhost', /local name/],
    ['LOCALHOST.', /local name/],
    ['api.localhost', /local name/],
    ['metadata.google.internal', /local name/],
    ['printer.local', /local name/],
    ['2130706433', /127\.0\.0\.1 is a loopback/],
    ['[::ffff:169.254.169.254]', /169\.254\.169\.254 is a linkLocal/],
    ['0.0.0.0', /unspecified/],
  ])('%s is refused: %s', (host, reason) => {
    expect(obviouslyPrivateHost(host)).toMatch(reason);
  });

  it.each(['example.com', '8.8.8.8', 'status.internal-tools.example.com'])(
    '%s is not plainly private',
    (host) => {
      expect(obviouslyPrivateHost(host)).toBeNull();
    },
  );
});

describe('internal DNS names (what a DNS monitor may ask about)', () => {
  it.each([
    ['redis', /single-label/],
    ['redis.', /single-label/],
    ['kubernetes.default.svc.cluster.local', /internal name/],
    ['api.svc.cluster.local.', /internal name/],
    ['printer.local', /internal name/],
    ['metadata.google.internal', /internal name/],
    ['api.localhost', /internal name/],
    ['nas.home.arpa', /internal name/],
    ['router.lan', /internal name/],
    ['10.in-addr.arpa', /reverse name of a private address/],
    ['1.0.168.192.in-addr.arpa', /reverse name of a private address/],
    ['1.0.0.127.in-addr.arpa', /reverse name of a loopback address/],
    ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa', /loopback/],
    ['10.0.0.1', /10\.0\.0\.1 is a private address/],
  ])('%s is internal: %s', (name, reason) => {
    expect(internalDnsName(name)).toMatch(reason);
  });

  it.each([
    'example.com',
    'example.com.',
    '8.8.8.8.in-addr.arpa',
    'status.internal-tools.example.com',
    '8.8.8.8',
  ])('%s is public', (name) => {
    expect(internalDnsName(name)).toBeNull();
  });
});

function table(answers: Record<string, string[]>) {
  return (hostname: string, callback: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
    const found = answers[hostname];
    if (!found) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
    return callback(
      null,
      found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

const lookupAll = table({
  'public.test': ['93.184.216.34'],
  'mixed.test': ['93.184.216.34', '10.0.0.5'],
  'metadata.test': ['169.254.169.254'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'v6.test': ['2606:4700::1'],
});

describe('resolving through the guard', () => {
  it('pins the checked public address', async () => {
    await expect(resolveTarget('public.test', { allowPrivate: false, lookupAll })).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it.each(['mixed.test', 'metadata.test', 'mapped.test'])(
    'refuses %s, which resolves to a non-public address',
    async (host) => {
      const error = await resolveTarget(host, { allowPrivate: false, lookupAll }).catch((e) => e);
      expect(error).toBeInstanceOf(BlockedTargetError);
      expect(error.code).toBe('EBLOCKEDTARGET');
      expect(error.message).toContain(host);
    },
  );

  it.each(['127.1', '[::1]', '0x7f000001', '::ffff:7f00:1'])(
    'refuses the literal %s without resolving it',
    async (host) => {
      await expect(resolveTarget(host, { allowPrivate: false, lookupAll })).rejects.toBeInstanceOf(
        BlockedTargetError,
      );
    },
  );

  it('allows private addresses when the deployment allows private targets', async () => {
    await expect(resolveTarget('metadata.test', { allowPrivate: true, lookupAll })).resolves.toEqual({
      address: '169.254.169.254',
      family: 4,
    });
    await expect(resolveTarget('127.1', { allowPrivate: true, lookupAll })).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });

  it('passes resolver failures through as they are', async () => {
    await expect(resolveTarget('nothing.test', { allowPrivate: false, lookupAll })).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('gives sockets every checked address when they ask for all of them', async () => {
    const lookup = guardedLookup({ allowPrivate: false, lookupAll });
    const all = await new Promise((resolve, reject) =>
      lookup('v6.test', { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
    expect(all).toEqual([{ address: '2606:4700::1', family: 6 }]);
  });
});
