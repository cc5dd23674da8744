/**
 * Which parts of a monitor are secret, how they are masked, and how masks are filled in again.
 * Stored configurations, API responses, job payloads and alerts carry the masked form; the sealed
 * secrets hold the real values, keyed so that a mask can be filled from them.
 */

/** What every secret value looks like outside the sealed column. Sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = '********';

/** The real values behind a monitor's masks: its whole URL when the URL has any, and the secret header values. */
export interface MonitorSecrets {
  url?: string;
  headers?: Record<string, string>;
}

/** The fields of a monitor configuration that can hold secrets (only HTTP monitors have them today). */
export interface SecretFields {
  type: string;
  url?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** A mask that cannot be filled, or may not be: where, and why. */
export interface MaskProblem {
  path: string;
  message: string;
}

/**
 * Headers whose values are shown: content negotiation, caching and tracing. Every other header
 * value is treated as secret, since a custom header is most often an API credential.
 */
const PUBLIC_HEADERS = new Set([
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-encoding',
  'content-language',
  'content-length',
  'content-type',
  'dnt',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'origin',
  'pragma',
  'range',
  'referer',
  'te',
  'transfer-encoding',
  'user-agent',
  'x-correlation-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-request-id',
  'x-requested-with',
]);

/** True unless the header is one of the plainly public ones (accept, content-type, user-agent, ...). */
export function isSecretHeader(name: string): boolean {
  return !PUBLIC_HEADERS.has(name.toLowerCase());
}

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

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

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
  const parsed = parse(url);
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
  const parsed = parse(masked);
  if (!parsed || (parsed.username === '' && parsed.password === '')) return masked;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/** Splits a configuration into what may be stored and shown (masked) and the secrets to seal. */
export function splitSecrets<T extends SecretFields>(
  config: T,
): { config: T; secrets: MonitorSecrets | null } {
  if (config.type !== 'http') return { config, secrets: null };
  const secrets: MonitorSecrets = {};
  let { url, headers } = config;
  if (url !== undefined) {
    const masked = maskUrl(url);
    if (masked !== url) {
      secrets.url = url;
      url = masked;
    }
  }
  if (headers) {
    const hidden = Object.entries(headers).filter(
      ([name, value]) => value !== '' && value !== SECRET_MASK && isSecretHeader(name),
    );
    if (hidden.length > 0) {
      secrets.headers = Object.fromEntries(hidden);
      headers = { ...headers, ...Object.fromEntries(hidden.map(([name]) => [name, SECRET_MASK])) };
    }
  }
  if (!secrets.url && !secrets.headers) return { config, secrets: null };
  return { config: { ...config, url, headers }, secrets };
}

/** The same configuration with every secret masked (for showing a row that was never split). */
export function maskSecrets<T extends SecretFields>(config: T): T {
  return splitSecrets(config).config;
}

/** True when the configuration holds a mask that only the sealed secrets can fill. */
export function hasMasks(config: SecretFields): boolean {
  if (config.headers && Object.values(config.headers).includes(SECRET_MASK)) return true;
  return config.url?.includes(SECRET_MASK) ?? false;
}

const originOf = (url: string | undefined) => (url === undefined ? null : (parse(url)?.origin ?? null));

function fillUrl(url: string, source: string | undefined, problems: MaskProblem[]): string {
  if (!url.includes(SECRET_MASK)) return url;
  const parsed = parse(url);
  const from = source === undefined ? null : parse(source);
  if (!parsed) return url;
  const missing = (what: string) =>
    problems.push({
      path: 'url',
      message: `${what} is ${SECRET_MASK}, but no stored value stands behind it`,
    });
  if (parsed.password === SECRET_MASK) {
    if (from && from.password !== '' && from.password !== SECRET_MASK) parsed.password = from.password;
    else missing('the password');
  }
  if (parsed.username === SECRET_MASK) {
    if (from && from.username !== '' && from.username !== SECRET_MASK) parsed.username = from.username;
    else missing('the user name');
  }
  const stored = from ? queryParts(from.search) : [];
  const seen = new Map<string, number>();
  const parts = queryParts(parsed.search).map((part) => {
    const index = seen.get(part.name) ?? 0;
    seen.set(part.name, index + 1);
    if (part.value !== SECRET_MASK) return part;
    const real = stored.filter((p) => p.name === part.name)[index]?.value;
    if (real === undefined || real === null || real === SECRET_MASK) {
      missing(`query parameter "${part.name}"`);
      return part;
    }
    return withValue(part, real);
  });
  parsed.search = joinQuery(parts);
  return parsed.href;
}

/**
 * Fills every mask of `config` from `secrets` (the stored real values) and returns the real
 * configuration, or the masks that could not be filled. With `sameOriginAs`, stored values are
 * kept only while the URL's origin stays that one: a new origin needs its secrets sent again, so a
 * write-only secret can never be redirected to a host of the editor's choosing.
 */
export function fillMasks<T extends SecretFields>(
  config: T,
  secrets: MonitorSecrets | null,
  options: { sameOriginAs?: string | undefined } = {},
): { config: T; problems: MaskProblem[] } {
  if (!hasMasks(config)) return { config, problems: [] };
  const problems: MaskProblem[] = [];
  if (options.sameOriginAs !== undefined) {
    const before = originOf(options.sameOriginAs);
    const after = originOf(config.url);
    if (before !== after) {
      const paths = [
        ...(config.url?.includes(SECRET_MASK) ? ['url'] : []),
        ...Object.entries(config.headers ?? {})
          .filter(([, value]) => value === SECRET_MASK)
          .map(([name]) => `headers.${name}`),
      ];
      const message = `stored secrets are kept only while the URL's origin stays ${before ?? 'the same'}; send the real value again for ${after ?? 'the new URL'}`;
      return { config, problems: paths.map((path) => ({ path, message })) };
    }
  }
  const storedHeaders = new Map(
    Object.entries(secrets?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  let headers = config.headers;
  if (headers) {
    headers = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => {
        if (value !== SECRET_MASK) return [name, value];
        const real = storedHeaders.get(name.toLowerCase());
        if (real === undefined || real === SECRET_MASK) {
          problems.push({
            path: `headers.${name}`,
            message: `${SECRET_MASK} stands for a stored value, and this monitor has none for this header`,
          });
          return [name, value];
        }
        return [name, real];
      }),
    );
  }
  const url = config.url === undefined ? undefined : fillUrl(config.url, secrets?.url, problems);
  return { config: { ...config, url, headers }, problems };
}

/** Every secret value worth searching for in text: header values (and their credential part), URL secrets. */
function secretValues(secrets: MonitorSecrets): string[] {
  const values = new Set<string>();
  for (const value of Object.values(secrets.headers ?? {})) {
    values.add(value);
    for (const word of value.split(/\s+/)) if (word.length >= 8) values.add(word);
  }
  const url = secrets.url === undefined ? null : parse(secrets.url);
  if (url) {
    const userinfo = secretUserinfo(url);
    for (const raw of [userinfo.password ? url.password : '', userinfo.username ? url.username : '']) {
      if (raw) values.add(raw).add(safeDecode(raw));
    }
    for (const part of queryParts(url.search)) {
      if (part.value && isSecretQueryParam(part.name)) values.add(part.value).add(safeDecode(part.value));
    }
  }
  // Longest first, so a value that contains another is replaced whole; very short ones would mask noise.
  return [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
}

/** The text with every secret value replaced by the mask (for error messages a target or library echoes). */
export function scrubSecrets(text: string, secrets: MonitorSecrets | null): string {
  if (!secrets) return text;
  let scrubbed = secrets.url ? text.split(secrets.url).join(maskUrl(secrets.url)) : text;
  for (const value of secretValues(secrets)) scrubbed = scrubbed.split(value).join(SECRET_MASK);
  return scrubbed;
}

/** The text with every http(s) URL in it masked (error messages of HTTP clients echo the URL they fetched). */
export function maskUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>`]+/gi, (url) => maskUrl(url));
}
