const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in job payloads are uuids; anything else could never match a row (and Postgres would reject it). */
export const isUuid = (value: string): boolean => UUID.test(value);
