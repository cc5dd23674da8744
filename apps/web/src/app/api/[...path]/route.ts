import { parseWebEnv } from '../../../env';
import { clientAddress } from '../../../lib/forwarding';

const { API_URL, CLIENT_ADDRESS_HEADER } = parseWebEnv(process.env);

export const dynamic = 'force-dynamic';

// Hop-by-hop headers belong to one connection, not to the request (RFC 9110 7.6.1).
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host'];
// The body fetch hands back is already decoded; its length and encoding no longer describe it.
const DECODED = ['content-encoding', 'content-length', ...HOP_BY_HOP];

/**
 * Forwards /api/* to the API, so the browser only talks to this origin and the API's httpOnly refresh
 * cookie stays first-party. X-Forwarded-For is exactly one address: the one this server's socket saw
 * (see src/proxy.ts), or the one a trusted front proxy named (CLIENT_ADDRESS_HEADER); this server is
 * the one hop the API trusts (TRUST_PROXY).
 */
async function forward(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const client = clientAddress(request.headers, CLIENT_ADDRESS_HEADER);
  for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto'])
    headers.delete(name);
  if (CLIENT_ADDRESS_HEADER) headers.delete(CLIENT_ADDRESS_HEADER);
  if (client) headers.set('x-forwarded-for', client);
  else headers.delete('x-forwarded-for');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const upstream = await fetch(`${API_URL}${url.pathname.slice('/api'.length)}${url.search}`, {
    method: request.method,
    headers,
    body: hasBody ? request.body : null,
    redirect: 'manual',
    signal: request.signal,
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
  const responseHeaders = new Headers(upstream.headers);
  for (const name of DECODED) responseHeaders.delete(name);
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export {
  forward as DELETE,
  forward as GET,
  forward as HEAD,
  forward as PATCH,
  forward as POST,
  forward as PUT,
};
