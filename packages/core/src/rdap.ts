/**
 * Reading RDAP: the IANA bootstrap file for domains (RFC 9224) and a domain's answer (RFC 9083),
 * as pure functions over parsed JSON. What they cannot read is said in words, never thrown.
 */

/** The RDAP base URLs of each top-level (or longer) domain suffix, as IANA publishes them. */
export type RdapBootstrap = ReadonlyMap<string, readonly string[]>;

/** The bootstrap file's services as a suffix → base URLs map; null when it is not one. */
export function parseRdapBootstrap(document: unknown): RdapBootstrap | null {
  if (!isObject(document) || !Array.isArray(document.services)) return null;
  const map = new Map<string, string[]>();
  for (const service of document.services) {
    if (!Array.isArray(service) || !Array.isArray(service[0]) || !Array.isArray(service[1])) continue;
    const urls = service[1].filter((u): u is string => typeof u === 'string' && /^https?:\/\//i.test(u));
    for (const suffix of service[0]) {
      if (typeof suffix === 'string' && urls.length > 0) map.set(suffix.toLowerCase(), urls);
    }
  }
  return map.size > 0 ? map : null;
}

/** The base URL serving a domain: the longest matching suffix, HTTPS preferred (RFC 9224 §4); or null. */
export function rdapServerFor(bootstrap: RdapBootstrap, domain: string): string | null {
  const labels = domain.toLowerCase().split('.');
  for (let i = 0; i < labels.length; i++) {
    const urls = bootstrap.get(labels.slice(i).join('.'));
    if (urls) return urls.find((u) => u.toLowerCase().startsWith('https:')) ?? urls[0] ?? null;
  }
  return null;
}

/** The URL of a domain's RDAP lookup under a base URL (which may or may not end in `/`). */
export const rdapDomainUrl = (baseUrl: string, domain: string): string =>
  `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}domain/${encodeURIComponent(domain)}`;

/** What a domain's RDAP answer says about its registration. */
export interface DomainRegistration {
  expiresAt: Date | null;
  registrar: string | null;
}

/** The registration an RDAP domain answer describes, or a reason it does not read as one. */
export function readDomainAnswer(document: unknown): DomainRegistration | { problem: string } {
  if (!isObject(document)) return { problem: 'the answer is not a JSON object' };
  if (document.objectClassName !== undefined && document.objectClassName !== 'domain') {
    return { problem: `the answer's objectClassName is "${String(document.objectClassName)}", not "domain"` };
  }
  if (document.events !== undefined && !Array.isArray(document.events)) {
    return { problem: 'the answer\'s "events" is not a list' };
  }
  const expiration = (document.events ?? []).find(
    (e: unknown) => isObject(e) && e.eventAction === 'expiration',
  ) as Record<string, unknown> | undefined;
  let expiresAt: Date | null = null;
  if (expiration) {
    const date = typeof expiration.eventDate === 'string' ? new Date(expiration.eventDate) : null;
    if (!date || Number.isNaN(date.getTime())) {
      return { problem: `the expiration event has no valid date (${String(expiration.eventDate)})` };
    }
    expiresAt = date;
  }
  return { expiresAt, registrar: registrarOf(document.entities) };
}

function registrarOf(entities: unknown): string | null {
  if (!Array.isArray(entities)) return null;
  const registrar = entities.find(
    (e: unknown) => isObject(e) && Array.isArray(e.roles) && e.roles.includes('registrar'),
  ) as Record<string, unknown> | undefined;
  if (!registrar) return null;
  // jCard (RFC 7095): ["vcard", [["fn", {}, "text", "Example Registrar, Inc."], ...]]
  const card = Array.isArray(registrar.vcardArray) ? registrar.vcardArray[1] : null;
  const fn = Array.isArray(card)
    ? card.find((p: unknown) => Array.isArray(p) && p[0] === 'fn' && typeof p[3] === 'string')
    : null;
  if (fn) return fn[3] as string;
  return typeof registrar.handle === 'string' ? registrar.handle : null;
}

function isObject(value: unknown): value is Record<string, unknown> & { events?: unknown[] } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
