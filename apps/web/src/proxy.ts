import { type NextRequest, NextResponse } from 'next/server';
import { parseWebEnv } from './env';

/** Headers with which a client could name its own address; the dashboard fills in the real one. */
const CLIENT_CLAIMS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];
// The one header a front proxy the deployment trusts sets (and overwrites) for every request.
const { CLIENT_ADDRESS_HEADER } = parseWebEnv(process.env);

/**
 * /api/* is forwarded to the API by src/app/api/[...path]/route.ts. Here, before it runs, whatever
 * address a client claims is removed, so Next.js fills X-Forwarded-For from the socket itself and
 * the API (which trusts this hop only) limits each dashboard user by their own address.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  for (const name of CLIENT_CLAIMS) if (name !== CLIENT_ADDRESS_HEADER) headers.delete(name);
  return NextResponse.next({ request: { headers } });
}

// The login page reads the API while rendering, on behalf of the visitor (src/lib/server-api.ts); status
// pages are rendered for everybody at once (publicGet), so nothing of the visitor's is needed there.
export const config = { matcher: ['/api/:path*', '/login'] };
