import { type NextRequest, NextResponse } from 'next/server';
import { parseWebEnv } from './env';

const { API_URL } = parseWebEnv(process.env);

/**
 * Forwards /api/* to the API, so the browser only talks to this origin and the API's httpOnly refresh
 * cookie stays first-party. A proxy (not a next.config rewrite) because rewrites are frozen at build
 * time, while API_URL belongs to the running deployment (docker-compose sets it only at run time).
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  return NextResponse.rewrite(`${API_URL}${pathname.slice('/api'.length)}${search}`);
}

export const config = { matcher: '/api/:path*' };
