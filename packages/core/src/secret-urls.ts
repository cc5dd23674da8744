/**
 * The secret parts of a URL (its password or lone user name, and token-like query values): which
 * they are, their masks, and filling masks back from the real URL.
 */

/** What every secret value looks like outside the sealed column. Sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = '********';

const SECRET_PARAM_PARTS = [
  'token',
  'secret',
  'passw',
  'signature',
  'session',
  'auth',
  'apikey',
  'credential',
];
const SECRET_PARAM_WORDS = new Set(['key', 'sig', 'pwd', 'pass', 'jwt']);

/** Query parameters that carry credentials: token, key, api_key, access_token, sig, password, auth... */
export function isSecretQueryParam(name: string): boolean {
  const lower = name.toLowerCase();
  const compact = lower.replace(/[^a-z0-9]/g, '');
  if (SECRET_PARAM_PARTS.some((part) => compact.includes(part))) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => SECRET_PARAM_WORDS.has(word));
}

/** The parsed URL, or null when it is not one. */
export function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Percent-decoded text (`+` as space), or the text as written when it is not valid encoding. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

interface QueryPart {
  raw: string;
  name: string;
  value: string | null;
}

/** The raw `a=1&b=2` parts of a query, names decoded for matching, values left as written. */
function queryParts(search: string): QueryPart[] {
  if (search.length <= 1) return [];
  return search
    .slice(1)
    .split('&')
    .map((raw) => {
      const at = raw.indexOf('=');
      return at < 0
        ? { raw, name: safeDecode(raw), value: null }
        : { raw, name: safeDecode(raw.slice(0, at)), value: raw.slice(at + 1) };
    });
}

const joinQuery = (parts: QueryPart[]) => (parts.length === 0 ? '' : `?${parts.map((p) => p.raw).join('&')}`);

const withValue = (part: QueryPart, value: string): QueryPart => ({
  ...part,
  value,
  raw: `${part.raw.slice(0, part.raw.indexOf('='))}=${value}`,
});

/** The userinfo parts that are secret: the password, or a user name that stands alone (often a token). */
function secretUserinfo(url: URL): { username: boolean; password: boolean } {
  return { password: url.password !== '', username: url.username !== '' && url.password === '' };
}

/** The URL with its password (or lone user name) and secret query values masked; unchanged when it has none. */
export function maskUrl(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) return url;
  const userinfo = secretUserinfo(parsed);
  const parts = queryParts(parsed.search);
  const secretParts = parts.filter((p) => p.value !== null && p.value !== '' && isSecretQueryParam(p.name));
  if (!userinfo.username && !userinfo.password && secretParts.length === 0) return url;
  if (userinfo.password) parsed.password = SECRET_MASK;
  if (userinfo.username) parsed.username = SECRET_MASK;
  parsed.search = joinQuery(parts.map((p) => (secretParts.includes(p) ? withValue(p, SECRET_MASK) : p)));
  return parsed.href;
}

/** The URL as third parties see it in alerts: no user info at all, secret query values masked. */
export function publicUrl(url: string): string {
  const masked = maskUrl(url);
  const parsed = parseUrl(masked);
  if (!parsed || (parsed.username === '' && parsed.password === '')) return masked;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/** The URL with its masks filled from `source` (the real URL), naming each mask it could not fill. */
export function fillUrl(url: string, source: string | undefined): { url: string; missing: string[] } {
  const missing: string[] = [];
  const parsed = url.includes(SECRET_MASK) ? parseUrl(url) : null;
  if (!parsed) return { url, missing };
  const from = source === undefined ? null : parseUrl(source);
  if (parsed.password === SECRET_MASK) {
    if (from && from.password !== '' && from.password !== SECRET_MASK) parsed.password = from.password;
    else missing.push('the password');
  }
  if (parsed.username === SECRET_MASK) {
    if (from && from.username !== '' && from.username !== SECRET_MASK) parsed.username = from.username;
    else missing.push('the user name');
  }
  const stored = from ? queryParts(from.search) : [];
  const seen = new Map<string, number>();
  const parts = queryParts(parsed.search).map((part) => {
    const index = seen.get(part.name) ?? 0;
    seen.set(part.name, index + 1);
    if (part.value !== SECRET_MASK) return part;
    const real = stored.filter((p) => p.name === part.name)[index]?.value;
    if (real === undefined || real === null || real === SECRET_MASK) {
      missing.push(`query parameter "${part.name}"`);
      return part;
    }
    return withValue(part, real);
  });
  parsed.search = joinQuery(parts);
  return { url: parsed.href, missing };
}

/** The values of a URL worth searching for in text: its secret user info and query values, raw and decoded. */
export function urlSecretValues(url: string): string[] {
  const parsed = parseUrl(url);
  if (!parsed) return [];
  const values: string[] = [];
  const userinfo = secretUserinfo(parsed);
  for (const raw of [userinfo.password ? parsed.password : '', userinfo.username ? parsed.username : '']) {
    if (raw) values.push(raw, safeDecode(raw));
  }
  for (const part of queryParts(parsed.search)) {
    if (part.value && isSecretQueryParam(part.name)) values.push(part.value, safeDecode(part.value));
  }
  return values;
}

/** The text with every http(s) URL in it masked (error messages of HTTP clients echo the URL they fetched). */
export function maskUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>`]+/gi, (url) => maskUrl(url));
}
