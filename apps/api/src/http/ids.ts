import { apiErrors } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Ids in paths are opaque to clients: anything that is not one of ours is simply not found. */
export function requireId(value: string, what: string): string {
  if (!isUuid(value)) throw apiErrors.notFound(what);
  return value.toLowerCase();
}
