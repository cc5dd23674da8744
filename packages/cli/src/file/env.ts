import {
  channelSecretFields,
  type DesiredResources,
  isChannelTypeName,
  type SentinelFile,
} from '@sentinelmesh/core';

const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

export type Env = Record<string, string | undefined>;

/** A missing variable, at the path of the value that names it. */
export interface MissingVariable {
  path: (string | number)[];
  name: string;
}

/** `${NAME}` in a string replaced by the variable's value; the names that are not set are reported. */
function substitute(text: string, env: Env, missing: (name: string) => void): string {
  return text.replace(REFERENCE, (whole, name: string) => {
    const value = env[name];
    if (value === undefined) {
      missing(name);
      return whole;
    }
    return value;
  });
}

const isChannelSecret = (root: Record<string, unknown>, path: (string | number)[]) => {
  if (path[0] !== 'channels' || path[2] !== 'config' || path.length !== 4) return false;
  const entry = (root.channels as Array<{ type?: unknown }> | undefined)?.[path[1] as number];
  const type = typeof entry?.type === 'string' && isChannelTypeName(entry.type) ? entry.type : null;
  return type !== null && channelSecretFields(type).includes(String(path[3]));
};

/**
 * Replaces `${NAME}` references everywhere but in channel secrets, which stay references until the
 * file has been validated (a literal secret there is an error): see `withSecrets`.
 */
export function substituteEnv(document: Record<string, unknown>, env: Env) {
  const missing: MissingVariable[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      if (isChannelSecret(document, path)) return value;
      return substitute(value, env, (name) => missing.push({ path, name }));
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  return { document: walk(document, []) as Record<string, unknown>, missing };
}

/** The resources of a validated file with its channel secrets filled in from the environment. */
export function withSecrets(
  file: SentinelFile,
  env: Env,
): { resources: DesiredResources; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const channels = file.channels.map((channel, i) => ({
    ...channel,
    config: Object.fromEntries(
      Object.entries(channel.config).map(([field, value]) => [
        field,
        typeof value === 'string'
          ? substitute(value, env, (name) => missing.push({ path: ['channels', i, 'config', field], name }))
          : value,
      ]),
    ),
  }));
  const { channels: _references, version: _version, $schema: _schema, ...rest } = file;
  return { resources: { ...rest, channels } as DesiredResources, missing };
}
