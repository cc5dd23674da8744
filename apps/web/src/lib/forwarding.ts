import { isIP } from 'node:net';

/**
 * The client's address as this server's socket saw it. src/proxy.ts removes any X-Forwarded-For a
 * client sent, so the value here is the one Next.js itself filled in from the socket; anything that
 * is not a single IP address is ignored rather than passed on.
 */
export function clientAddress(headers: Headers): string | null {
  const value = headers.get('x-forwarded-for')?.trim() ?? '';
  const address = value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(address) ? address : null;
}
