import { SECRET_MASK } from '@sentinelmesh/core';

/** An environment variable name made of parts: `MONITOR_CHECKOUT_HEADERS_AUTHORIZATION`. */
export const variableName = (...parts: string[]) =>
  parts
    .join('_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** What each mask of a URL stands for, in the order the masks appear: `USER`, `PASSWORD` or a query parameter. */
function urlMaskNames(url: string): string[] {
  const names: string[] = [];
  let from = 0;
  for (let at = url.indexOf(SECRET_MASK); at >= 0; at = url.indexOf(SECRET_MASK, from)) {
    const before = url.slice(0, at);
    const query = before.lastIndexOf('?');
    if (query >= 0) {
      const start = Math.max(before.lastIndexOf('&'), query) + 1;
      names.push(decodeURIComponent(before.slice(start, -1)));
    } else names.push(before.endsWith(':') ? 'PASSWORD' : 'USER');
    from = at + SECRET_MASK.length;
  }
  return names;
}

/**
 * A monitor as the API shows it, its masks replaced by `${ENV}` references named after its key and
 * the masked part (`${MONITOR_CHECKOUT_URL_TOKEN}`, `${MONITOR_DB_PASSWORD}`), and the names used.
 * An apply reads them from the environment: the secrets never leave the API, and a file moves to
 * another organization or deployment with its secrets supplied there.
 */
export function referenceMonitorSecrets(
  key: string,
  monitor: Record<string, unknown>,
  taken: Set<string>,
): { monitor: Record<string, unknown>; variables: string[] } {
  const variables: string[] = [];
  const reference = (...parts: string[]) => {
    const base = variableName('monitor', key, ...parts);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    variables.push(name);
    return `\${${name}}`;
  };
  const walk = (value: unknown, path: string[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes(SECRET_MASK)) return value;
      if (value === SECRET_MASK) return reference(...path);
      const names = urlMaskNames(value);
      let i = 0;
      return value.replaceAll(SECRET_MASK, () => reference(...path, names[i++] ?? 'SECRET'));
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, String(i)]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  return { monitor: walk(monitor, []) as Record<string, unknown>, variables };
}
