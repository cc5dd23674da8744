import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in logs, configs and secret scanners: `sm_` + 43 base64url characters (256 random bits). */
export const API_KEY_PREFIX = 'sm_';
const API_KEY = /^sm_[A-Za-z0-9_-]{43}$/;

export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);
export const isWellFormedApiKey = (token: string) => API_KEY.test(token);

/** A bearer secret: `prefix` + 256 random bits in base64url, its SHA-256 to store and its last 4 characters. */
export function generateBearerSecret(prefix: string): { key: string; hash: string; hint: string } {
  const key = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), hint: key.slice(-4) };
}

export const generateApiKey = () => generateBearerSecret(API_KEY_PREFIX);

/** Only the SHA-256 is stored: the key has 256 random bits, so a fast hash is enough and lookups stay cheap. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');
