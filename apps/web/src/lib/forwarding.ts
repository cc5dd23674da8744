import { isIP } from 'node:net';

/** One IP address, with an IPv4-mapped IPv6 form reduced to IPv4; anything else is null. */
function singleAddress(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  const address = trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
  return isIP(address) ? address : null;
}

/**
 * The client's address. Without a front proxy it is the one this server's socket saw: src/proxy.ts
 * removes any X-Forwarded-For a client sent, so the value is the one Next.js filled in itself. Behind a
 * TLS proxy or load balancer that the deployment names (`CLIENT_ADDRESS_HEADER`, e.g. `x-real-ip`,
 * which that proxy overwrites on every request), it is that header's address instead. Anything that is
 * not a single IP address is ignored rather than passed on.
 */
export function clientAddress(headers: Headers, trustedHeader?: string): string | null {
  if (trustedHeader) {
    const fromProxy = singleAddress(headers.get(trustedHeader));
    if (fromProxy) return fromProxy;
  }
  return singleAddress(headers.get('x-forwarded-for'));
}
