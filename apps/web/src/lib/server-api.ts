import { headers } from 'next/headers';
import { parseWebEnv } from '../env';
import { clientAddress } from './forwarding';

const { API_URL, CLIENT_ADDRESS_HEADER } = parseWebEnv(process.env);

/**
 * A GET to the API from this server while it renders a page, on behalf of the visitor: their address
 * goes along as X-Forwarded-For (src/proxy.ts removed any they claimed), so the API limits each
 * visitor by their own address, as it does for requests through /api.
 */
export async function serverGet(path: string): Promise<Response> {
  const client = clientAddress(await headers(), CLIENT_ADDRESS_HEADER);
  return fetch(`${API_URL}${path}`, {
    headers: { accept: 'application/json', ...(client ? { 'x-forwarded-for': client } : {}) },
    cache: 'no-store',
    signal: AbortSignal.timeout(5_000),
  });
}

/**
 * A GET of public data, the same for every visitor: no visitor's address goes along, and Next.js keeps
 * the answer for `revalidateSeconds` (one request per page and period, whatever the traffic).
 */
export function publicGet(path: string, revalidateSeconds: number): Promise<Response> {
  return fetch(`${API_URL}${path}`, {
    headers: { accept: 'application/json' },
    next: { revalidate: revalidateSeconds },
    signal: AbortSignal.timeout(5_000),
  });
}

/** True only when the API answers that nobody has signed up yet; an API that cannot answer counts as no. */
export async function isFreshInstall(): Promise<boolean> {
  try {
    const response = await serverGet('/v1/setup');
    if (!response.ok) return false;
    const body = (await response.json()) as { hasAccounts?: unknown };
    return body.hasAccounts === false;
  } catch {
    return false;
  }
}
