import { type NextRequest, NextResponse } from 'next/server';
import { parseWebEnv } from './env';
import { customDomainLookup, customHost } from './lib/custom-domains';

/** Headers with which a client could name its own address; the dashboard fills in the real one. */
const CLIENT_CLAIMS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];
// The one header a front proxy the deployment trusts sets (and overwrites) for every request.
const { API_URL, CLIENT_ADDRESS_HEADER } = parseWebEnv(process.env);
const pageForHost = customDomainLookup(API_URL);

/**
 * /api/* is forwarded to the API by src/app/api/[...path]/route.ts. Here, before it runs, whatever
 * address a client claims is removed, so Next.js fills X-Forwarded-For from the socket itself and
 * the API (which trusts this hop only) limits each dashboard user by their own address.
 * `/` on a status page's custom domain (by `Host`) shows that page (docs/status-pages.md).
 */
export async function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  for (const name of CLIENT_CLAIMS) if (name !== CLIENT_ADDRESS_HEADER) headers.delete(name);
  const host = request.nextUrl.pathname === '/' ? customHost(request.headers.get('host')) : null;
  const slug = host ? await pageForHost(host) : null;
  if (slug) {
    const url = request.nextUrl.clone();
    url.pathname = `/status/${encodeURIComponent(slug)}`;
    return NextResponse.rewrite(url, { request: { headers } });
  }
  return NextResponse.next({ request: { headers } });
}

// The login page reads the API while rendering, on behalf of the visitor (src/lib/server-api.ts); status
// pages are rendered for everybody at once (publicGet), so nothing of the visitor's is needed there.
// `/` may be a status page's custom domain.
export const config = { matcher: ['/', '/api/:path*', '/login'] };
