import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../http/ids';

const PURPOSE = 'status-page-unsubscribe';

const macOf = (key: string, subscriberId: string) =>
  createHmac('sha256', key).update(`${PURPOSE}:${subscriberId}`).digest('base64url');

/**
 * The unsubscribe token of a subscriber: its id and an HMAC of it under the deployment's secrets
 * key, good for nothing else. Nothing is stored, so every message can carry it, and it stops
 * working once the subscriber is gone.
 */
export function unsubscribeToken(key: string, subscriberId: string): string {
  return `${subscriberId}.${macOf(key, subscriberId)}`;
}

/** The subscriber an unsubscribe token names, or null when it was not made with this key. */
export function readUnsubscribeToken(key: string, token: string): string | null {
  const [id, mac, ...rest] = token.split('.');
  if (!id || !mac || rest.length > 0 || !isUuid(id)) return null;
  const expected = Buffer.from(macOf(key, id.toLowerCase()));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id.toLowerCase() : null;
}

/** Where subscribers are sent: pages of the dashboard's public site, and the RFC 8058 one-click target. */
export function subscriberLinks(origin: string, slug: string) {
  const at = (path: string, token?: string) => {
    const url = new URL(path, origin);
    if (token) url.searchParams.set('token', token);
    return url.toString();
  };
  const page = `/status/${encodeURIComponent(slug)}`;
  return {
    page: at(page),
    confirm: (token: string) => at(`${page}/confirm`, token),
    unsubscribe: (token: string) => at(`${page}/unsubscribe`, token),
    /** The API through the dashboard's /api proxy: mail clients POST `List-Unsubscribe=One-Click` here. */
    oneClick: (token: string) => at('/api/v1/public/status-page-subscriptions/unsubscribe', token),
  };
}
