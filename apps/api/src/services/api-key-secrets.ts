import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in logs, configs and secret scanners: `sm_` + 43 base64url characters (256 random bits). */
export const API_KEY_PREFIX = 'sm_';
const API_KEY = /^sm_[A-Za-z0-9_-]{43}$/;

export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);
export const isWellFormedApiKey = (token: string) => API_KEY.test(token);

export function generateApiKey(): { key: string; hash: string; hint: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), hint: key.slice(-4) };
}

/** Only the SHA-256 is stored: the key has 256 random bits, so a fast hash is enough and lookups stay cheap. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');
