import { isSecretHeader, isSecretQueryParam, maskUrl } from '@sentinelmesh/core';
import type { ImportContext } from './context';
import { ENV_REFERENCE, envReference } from './document';

/** Where a monitor's secrets are found and what they belong to, for names and the report. */
export interface SecretOwner {
  key: string;
  item: string;
}

/**
 * A secret as an `${ENV}` reference, reported with what to set it to. A value that already is a
 * reference keeps its name; undefined when the variable holds something the source kept apart.
 */
export function secretValue(
  value: string | undefined,
  owner: SecretOwner,
  field: string,
  what: string,
  ctx: ImportContext,
): string {
  const named = value === undefined ? undefined : ENV_REFERENCE.exec(value)?.[1];
  const env = named ? ctx.envs.reuse(named) : ctx.envs.claim(owner.key, field);
  ctx.report.secret(owner.item, field, env, what);
  return envReference(env);
}

/** Headers with every value SentinelMesh treats as secret (all but the plainly public ones) as references. */
export function secretHeaders(
  headers: Record<string, string>,
  owner: SecretOwner,
  ctx: ImportContext,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) =>
      value !== '' && isSecretHeader(name)
        ? [name, secretValue(value, owner, `headers.${name}`, `the value of the ${name} header`, ctx)]
        : [name, value],
    ),
  );
}

/**
 * A URL with its secret parts (password, a lone user name, token-like query values) replaced by
 * `${ENV}` references, written into the URL as it was given; unchanged when it has none.
 */
export function secretUrl(url: string, owner: SecretOwner, ctx: ImportContext): string {
  if (maskUrl(url) === url) return url;
  let text = url;
  const userinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i.exec(text);
  if (userinfo?.[1] && userinfo[2] !== undefined) {
    const [user = '', password] = userinfo[2].split(/:(.*)/s);
    const replaced =
      password !== undefined && password !== ''
        ? `${user}:${secretValue(decode(password), owner, 'url.password', 'the password in the URL', ctx)}`
        : secretValue(decode(user), owner, 'url.username', 'the user name (token) in the URL', ctx);
    text = `${userinfo[1]}${replaced}@${text.slice(userinfo[0].length)}`;
  }
  return text.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, lead: string, name: string, value: string) => {
    if (value === '' || !isSecretQueryParam(decode(name))) return whole;
    const what = `the value of the ${decode(name)} query parameter`;
    return `${lead}${name}=${secretValue(decode(value), owner, `url.query.${decode(name)}`, what, ctx)}`;
  });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** An IP address with an optional port, as a DNS monitor's `resolver` takes it; host names are not. */
export const isResolverAddress = (text: string) =>
  /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9A-Fa-f:]+|\[[0-9A-Fa-f:]+\](:\d{1,5})?)$/.test(text);
