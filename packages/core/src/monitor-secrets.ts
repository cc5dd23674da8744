import type { CheckType, CheckTypeSecrets } from './check-types/check-type';
import { findCheckType } from './check-types/index';
import { isSecretHeader } from './secret-headers';
import { fillUrl, maskUrl, parseUrl, SECRET_MASK, urlSecretValues } from './secret-urls';

export { isSecretHeader };

/**
 * Which parts of a monitor are secret, how they are masked, and how masks are filled in again.
 * Stored configurations, API responses, job payloads and alerts carry the masked form; the sealed
 * secrets hold the real values, keyed so that a mask can be filled from them.
 */

/**
 * The real values behind a monitor's masks: its whole URL when the URL has any, the secret header
 * values, and the values of the type's secret fields (a password; a record's values).
 */
export interface MonitorSecrets {
  url?: string;
  headers?: Record<string, string>;
  fields?: Record<string, SecretValue>;
}

/** A secret field's value: a string, or a record of strings each of which is secret. */
export type SecretValue = string | Record<string, string>;

/** The fields of a monitor configuration that can hold secrets; the type's definition says which do. */
export interface SecretFields {
  type: string;
  url?: string | undefined;
  headers?: Record<string, string> | undefined;
}

const noRules: CheckTypeSecrets = {};

/** What the monitor's type declares secret (nothing for an unknown type). */
function rulesOf(config: SecretFields): CheckTypeSecrets {
  const type: CheckType | undefined = findCheckType(config.type);
  return type?.secrets ?? noRules;
}

const fieldsOf = (config: SecretFields) => config as unknown as Record<string, unknown>;

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

/** A secret field's value with every real value masked, and the real values (null when there are none). */
function splitField(value: unknown): { masked: unknown; real: SecretValue | null } {
  if (typeof value === 'string') {
    if (value === '' || value === SECRET_MASK) return { masked: value, real: null };
    return { masked: SECRET_MASK, real: value };
  }
  if (!isStringRecord(value)) return { masked: value, real: null };
  const hidden = Object.entries(value).filter(([, v]) => v !== '' && v !== SECRET_MASK);
  if (hidden.length === 0) return { masked: value, real: null };
  return {
    masked: { ...value, ...Object.fromEntries(hidden.map(([k]) => [k, SECRET_MASK])) },
    real: Object.fromEntries(hidden),
  };
}

const holdsMask = (value: unknown) =>
  value === SECRET_MASK || (isStringRecord(value) && Object.values(value).includes(SECRET_MASK));

/** A mask that cannot be filled, or may not be: where, and why. */
export interface MaskProblem {
  path: string;
  message: string;
}

/** Splits a configuration into what may be stored and shown (masked) and the secrets to seal. */
export function splitSecrets<T extends SecretFields>(
  config: T,
  rules: CheckTypeSecrets = rulesOf(config),
): { config: T; secrets: MonitorSecrets | null } {
  const secrets: MonitorSecrets = {};
  let { url, headers } = config;
  if (rules.urlAndHeaders && url !== undefined) {
    const masked = maskUrl(url);
    if (masked !== url) {
      secrets.url = url;
      url = masked;
    }
  }
  if (rules.urlAndHeaders && headers) {
    const hidden = Object.entries(headers).filter(
      ([name, value]) => value !== '' && value !== SECRET_MASK && isSecretHeader(name),
    );
    if (hidden.length > 0) {
      secrets.headers = Object.fromEntries(hidden);
      headers = { ...headers, ...Object.fromEntries(hidden.map(([name]) => [name, SECRET_MASK])) };
    }
  }
  const maskedFields: Record<string, unknown> = {};
  for (const name of rules.fields ?? []) {
    const { masked, real } = splitField(fieldsOf(config)[name]);
    if (real === null) continue;
    secrets.fields = { ...secrets.fields, [name]: real };
    maskedFields[name] = masked;
  }
  if (!secrets.url && !secrets.headers && !secrets.fields) return { config, secrets: null };
  const split = { ...config, ...maskedFields };
  if (rules.urlAndHeaders) Object.assign(split, { url, headers });
  return { config: split, secrets };
}

/** The same configuration with every secret masked (for showing a row that was never split). */
export function maskSecrets<T extends SecretFields>(config: T, rules: CheckTypeSecrets = rulesOf(config)): T {
  return splitSecrets(config, rules).config;
}

/** True when the configuration holds a mask that only the sealed secrets can fill. */
export function hasMasks(config: SecretFields, rules: CheckTypeSecrets = rulesOf(config)): boolean {
  if (rules.fields?.some((name) => holdsMask(fieldsOf(config)[name]))) return true;
  if (!rules.urlAndHeaders) return false;
  if (config.headers && Object.values(config.headers).includes(SECRET_MASK)) return true;
  return config.url?.includes(SECRET_MASK) ?? false;
}

const originOf = (url: string | undefined) => (url === undefined ? null : (parseUrl(url)?.origin ?? null));

/**
 * Fills every mask of `config` from `secrets` (the stored real values) and returns the real
 * configuration, or the masks that could not be filled. Stored values are never redirected to a
 * destination of the editor's choosing: with `sameOriginAs`, URL and header secrets are kept only
 * while the URL's origin stays that one; with `previous` (the stored config), secret fields only
 * while the fields the type binds them to (`host`, `port`) are unchanged. Otherwise the real value
 * must be sent again.
 */
export function fillMasks<T extends SecretFields>(
  config: T,
  secrets: MonitorSecrets | null,
  options: { sameOriginAs?: string | undefined; previous?: SecretFields | undefined } = {},
  rules: CheckTypeSecrets = rulesOf(config),
): { config: T; problems: MaskProblem[] } {
  if (!hasMasks(config, rules)) return { config, problems: [] };
  const problems: MaskProblem[] = [];
  const fields = fillFields(config, rules, secrets, options.previous, problems);
  const filled = { ...config, ...fields };
  if (rules.urlAndHeaders) Object.assign(filled, fillUrlAndHeaders(config, secrets, options, problems));
  return { config: filled, problems };
}

/** The type's secret fields with their masks filled; a mask that cannot be, or may not be, is a problem. */
function fillFields(
  config: SecretFields,
  rules: CheckTypeSecrets,
  secrets: MonitorSecrets | null,
  previous: SecretFields | undefined,
  problems: MaskProblem[],
): Record<string, unknown> {
  const filled: Record<string, unknown> = {};
  const own = fieldsOf(config);
  const moved = previous
    ? (rules.boundTo ?? []).filter(
        (name) => JSON.stringify(fieldsOf(previous)[name]) !== JSON.stringify(own[name]),
      )
    : [];
  for (const name of rules.fields ?? []) {
    const value = own[name];
    if (!holdsMask(value)) continue;
    if (moved.length > 0) {
      problems.push({
        path: name,
        message: `stored secrets are kept only while ${moved.join(', ')} stay the same; send the real value again`,
      });
      continue;
    }
    const stored = secrets?.fields?.[name];
    if (typeof value === 'string') {
      if (typeof stored === 'string') filled[name] = stored;
      else
        problems.push({
          path: name,
          message: `${SECRET_MASK} stands for a stored value, and this monitor has none`,
        });
      continue;
    }
    const record = value as Record<string, string>;
    filled[name] = Object.fromEntries(
      Object.entries(record).map(([key, v]) => {
        if (v !== SECRET_MASK) return [key, v];
        const real = typeof stored === 'object' ? stored[key] : undefined;
        if (real === undefined) {
          problems.push({
            path: `${name}.${key}`,
            message: `${SECRET_MASK} stands for a stored value, and this monitor has none for this key`,
          });
          return [key, v];
        }
        return [key, real];
      }),
    );
  }
  return filled;
}

/** The URL and headers with their masks filled (HTTP's rules); problems for those that cannot be. */
function fillUrlAndHeaders(
  config: SecretFields,
  secrets: MonitorSecrets | null,
  options: { sameOriginAs?: string | undefined },
  problems: MaskProblem[],
): Pick<SecretFields, 'url' | 'headers'> {
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
      problems.push(...paths.map((path) => ({ path, message })));
      return { url: config.url, headers: config.headers };
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
  return { url, headers };
}

/** Every secret value worth searching for in text: header values (and their credential part), URL secrets, secret fields. */
function secretValues(secrets: MonitorSecrets): string[] {
  const values = new Set<string>();
  for (const value of Object.values(secrets.fields ?? {})) {
    for (const each of typeof value === 'string' ? [value] : Object.values(value)) values.add(each);
  }
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
