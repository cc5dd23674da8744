import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The one guard for untrusted targets (monitor checks, channel URLs): address
 * classification comes from ipaddr.js, which reads every spelling inet_aton accepts (decimal,
 * octal, hex, short forms) and IPv4 embedded in IPv6. Only globally routable unicast is public.
 */

export interface ClassifiedAddress {
  /** The address in its usual spelling (IPv4-mapped and IPv4-compatible IPv6 as IPv4). */
  address: string;
  family: 4 | 6;
  /** ipaddr.js's range name: `unicast` for public addresses, else e.g. `loopback`, `private`. */
  range: string;
  public: boolean;
}

/** `[::1]`, `127.0.0.1.` and zone ids as plain literals, ready for parsing. */
function bare(host: string): string {
  let text = host.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.endsWith('.') && !text.includes(':')) text = text.slice(0, -1);
  return text;
}

/** Classifies an IP literal in any spelling; null when `host` is not an IP address (a name). */
export function classifyAddress(host: string): ClassifiedAddress | null {
  const text = bare(host);
  if (!ipaddr.isValid(text)) return null;
  let parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ipaddr.js converts IPv4-mapped (::ffff:a.b.c.d); IPv4-compatible (::a.b.c.d) reaches the same hosts.
    const parts = v6.parts;
    const compatible = parts.slice(0, 6).every((p) => p === 0) && (parts[6] ?? 0) !== 0;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (compatible) {
      const [high = 0, low = 0] = parts.slice(6);
      parsed = new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
    }
  }
  const range = parsed.range();
  return {
    address: parsed.toString(),
    family: parsed.kind() === 'ipv4' ? 4 : 6,
    range,
    public: range === 'unicast',
  };
}

/** True only for an IP address on the public internet, however it is written. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address)?.public ?? false;
}

export class BlockedTargetError extends Error {
  readonly code = 'EBLOCKEDTARGET';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(
      host === address
        ? `${address} is a ${range} address; private targets are not allowed`
        : `${host} resolves to ${address}, a ${range} address; private targets are not allowed`,
    );
  }
}

const LOCAL_NAMES = /(^|\.)(localhost|localdomain|internal|local|home\.arpa)$/i;

/**
 * Why a host named in a monitor or channel is plainly not public, with no DNS lookup (for
 * validation at create time); null when nothing is plain. The connect-time guard still runs.
 */
export function obviouslyPrivateHost(host: string): string | null {
  const classified = classifyAddress(host);
  if (classified) {
    return classified.public ? null : `${classified.address} is a ${classified.range} address`;
  }
  const name = bare(host).toLowerCase();
  if (name === '' || LOCAL_NAMES.test(name)) return `${name || 'an empty host'} is a local name`;
  return null;
}

/** Suffixes of names that only mean something inside a network (RFC 6761/6762/8375, ICANN's `.internal`, common LAN suffixes). */
const INTERNAL_DNS_SUFFIXES =
  /(^|\.)(localhost|localdomain|local|internal|intranet|lan|home|corp|private|home\.arpa)$/i;

/** The address a reverse-lookup name stands for (`4.3.2.1.in-addr.arpa`, nibbles under `ip6.arpa`), zero-filled. */
function reverseNameAddress(name: string): string | null {
  const v4 = /^((?:\d{1,3}\.){1,4})in-addr\.arpa$/.exec(name);
  if (v4?.[1]) {
    const octets = v4[1].slice(0, -1).split('.').reverse();
    while (octets.length < 4) octets.push('0');
    return octets.join('.');
  }
  const v6 = /^((?:[0-9a-f]\.){1,32})ip6\.arpa$/.exec(name);
  if (v6?.[1]) {
    const nibbles = v6[1].replace(/\./g, '').split('').reverse().join('').padEnd(32, '0');
    return (nibbles.match(/.{4}/g) ?? []).join(':');
  }
  return null;
}

/**
 * Why a name a DNS monitor asks about is internal, or null when it is a public name. Internal:
 * single-label names (the resolver's search domains would complete them, e.g. to a cluster
 * service), local suffixes (`.local`, `.internal`, `.svc.cluster.local`, `.localhost`, …),
 * reverse-lookup names of non-public addresses, and non-public IP literals.
 */
export function internalDnsName(host: string): string | null {
  if (classifyAddress(host)) return obviouslyPrivateHost(host);
  const name = bare(host).toLowerCase();
  if (!name.includes('.')) return `${name || 'an empty name'} is a single-label name`;
  if (INTERNAL_DNS_SUFFIXES.test(name)) return `${name} is an internal name`;
  const reversed = reverseNameAddress(name);
  const classified = reversed ? classifyAddress(reversed) : null;
  if (classified && !classified.public) return `${name} is the reverse name of a ${classified.range} address`;
  return null;
}

/** A DNS question or answer refused because private targets are not allowed; the check fails as blocked_target. */
export class BlockedNameError extends Error {
  readonly code = 'EBLOCKEDTARGET';
}

/** Throws BlockedNameError when `host` is an internal name (internalDnsName) and private targets are refused. */
export function assertDnsNameAllowed(host: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const reason = internalDnsName(host);
  if (reason) throw new BlockedNameError(`${reason}; private targets are not allowed`);
}

/** Throws BlockedTargetError when `host` is a non-public IP literal and private targets are refused. */
export function assertLiteralAllowed(host: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const classified = classifyAddress(host);
  if (classified && !classified.public) {
    throw new BlockedTargetError(host, classified.address, classified.range);
  }
}

type LookupAll = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookupAll: LookupAll = (hostname, callback) =>
  dnsLookup(hostname, { all: true }, (error, addresses) => callback(error, addresses ?? []));

export interface GuardOptions {
  allowPrivate: boolean;
  /** Replaces the system resolver (tests). */
  lookupAll?: LookupAll;
}

/**
 * A `lookup` for sockets: resolves once and refuses the name when any of its addresses is not
 * public (unless private targets are allowed). The socket then connects to exactly the
 * addresses that were checked, so a second, different DNS answer cannot slip through.
 */
export function guardedLookup(options: GuardOptions): LookupFunction {
  const lookupAll = options.lookupAll ?? systemLookupAll;
  return (hostname, lookupOptions, callback) => {
    lookupAll(hostname, (error, found) => {
      if (error) return callback(error, '', 0);
      const family =
        lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
      const addresses = family ? found.filter((a) => a.family === family) : found;
      if (addresses.length === 0) {
        const notFound = Object.assign(new Error(`${hostname} has no address`), {
          code: 'ENOTFOUND',
          hostname,
        });
        return callback(notFound, '', 0);
      }
      if (!options.allowPrivate) {
        for (const a of addresses) {
          const classified = classifyAddress(a.address);
          if (!classified?.public) {
            return callback(
              new BlockedTargetError(hostname, a.address, classified?.range ?? 'unknown'),
              '',
              0,
            );
          }
        }
      }
      if (lookupOptions.all) {
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      }
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** Resolves `host` once through the guard: the address to connect to, or BlockedTargetError. */
export function resolveTarget(host: string, options: GuardOptions): Promise<LookupAddress> {
  const classified = classifyAddress(host);
  if (classified) {
    if (!classified.public && !options.allowPrivate) {
      return Promise.reject(new BlockedTargetError(host, classified.address, classified.range));
    }
    return Promise.resolve({ address: classified.address, family: classified.family });
  }
  const lookup = guardedLookup(options);
  return new Promise((resolve, reject) => {
    lookup(bare(host), {}, (error, address, family) => {
      if (error) reject(error);
      else resolve({ address: address as string, family: family ?? 4 });
    });
  });
}
