import { fillUrl, maskUrl, parseUrl, SECRET_MASK, urlSecretValues } from './secret-urls';

/**
 * Which parts of a monitor are secret, how they are masked, and how masks are filled in again.
 * Stored configurations, API responses, job payloads and alerts carry the masked form; the sealed
 * secrets hold the real values, keyed so that a mask can be filled from them.
 */

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

const originOf = (url: string | undefined) => (url === undefined ? null : (parseUrl(url)?.origin ?? null));

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
  let url = config.url;
  if (url !== undefined) {
    const filled = fillUrl(url, secrets?.url);
    url = filled.url;
    for (const what of filled.missing) {
      problems.push({
        path: 'url',
        message: `${what} is ${SECRET_MASK}, but no stored value stands behind it`,
      });
    }
  }
  return { config: { ...config, url, headers }, problems };
}

/** Every secret value worth searching for in text: header values (and their credential part), URL secrets. */
function secretValues(secrets: MonitorSecrets): string[] {
  const values = new Set<string>();
  for (const value of Object.values(secrets.headers ?? {})) {
    values.add(value);
    for (const word of value.split(/\s+/)) if (word.length >= 8) values.add(word);
  }
  if (secrets.url) for (const value of urlSecretValues(secrets.url)) values.add(value);
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
