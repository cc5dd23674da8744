/** How long an answer for a host is kept: a page's new domain works within a minute. */
const TTL_MS = 60_000;
/** Hosts remembered at most; any Host header can be sent, so the memory is bounded. */
const MAX_HOSTS = 1_000;

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The lower-case host name of a Host header without its port, or null for an IP address, localhost or junk. */
export function customHost(hostHeader: string | null): string | null {
  if (!hostHeader) return null;
  const host = hostHeader.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return HOST.test(host) ? host : null;
}

/**
 * Which status page a custom domain serves, from the API's public lookup, remembered for a minute
 * (unknown hosts too, so the dashboard's own host costs one lookup a minute).
 */
export function customDomainLookup(apiUrl: string, fetchImpl: typeof fetch = fetch) {
  const known = new Map<string, { slug: string | null; until: number }>();
  return async (host: string): Promise<string | null> => {
    const now = Date.now();
    const hit = known.get(host);
    if (hit && hit.until > now) return hit.slug;
    let slug: string | null = null;
    try {
      const res = await fetchImpl(`${apiUrl}/v1/public/status-pages/by-domain/${encodeURIComponent(host)}`, {
        headers: { accept: 'application/json' },
        cache: 'no-store',
        signal: AbortSignal.timeout(3_000),
      });
      if (res.ok) slug = ((await res.json()) as { slug?: string }).slug ?? null;
      else {
        await res.body?.cancel();
        // Only a definite "no such domain" is remembered; a busy or failing API is asked again.
        if (res.status !== 404) return null;
      }
    } catch {
      return null;
    }
    if (known.size >= MAX_HOSTS) known.clear();
    known.set(host, { slug, until: now + TTL_MS });
    return slug;
  };
}
