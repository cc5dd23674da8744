import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: emailed links carry it, the database keeps only its SHA-256. */
export function newOneTimeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

export const hashOneTimeToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** `${DASHBOARD_ORIGIN}/<path>?token=<token>`: emails point at the dashboard page that finishes the step. */
export function dashboardLink(origin: string, path: string, token: string): string {
  const url = new URL(path, origin);
  url.searchParams.set('token', token);
  return url.toString();
}
