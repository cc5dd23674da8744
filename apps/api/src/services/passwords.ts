import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's current scrypt recommendation: N=2^17, r=8, p=1 (about 128 MiB and 0.3 s per hash). */
export const OWASP_SCRYPT_LOG2_N = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;
// Stored hashes are our own, but a corrupted one must not make a login allocate gigabytes.
const MAX_LOG2_N = 20;

interface Params {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: Params): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function parse(stored: string): (Params & { salt: Buffer; hash: Buffer }) | null {
  const [scheme, n, r, p, salt, hash, extra] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || extra !== undefined) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= 2 ** MAX_LOG2_N &&
    (params.N & (params.N - 1)) === 0 &&
    [params.r, params.p].every((v) => Number.isInteger(v) && v >= 1 && v <= 16);
  if (!sane) return null;
  return { ...params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

export interface PasswordHasher {
  /** `scrypt$N$r$p$<salt>$<hash>` (base64url): the parameters travel with the hash. */
  hash(password: string): Promise<string>;
  /** `ok`, and whether the stored hash is weaker than today's parameters (rehash it then). */
  verify(password: string, stored: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Checks against a real hash when the user does not exist, so both failures take as long. */
  verifyNobody(password: string): Promise<void>;
}

/** scrypt with N = 2^log2N; the deployment's setting defaults to OWASP_SCRYPT_LOG2_N. */
export function createPasswordHasher(log2N: number = OWASP_SCRYPT_LOG2_N): PasswordHasher {
  const params: Params = { N: 2 ** log2N, r: R, p: P };
  let dummy: Promise<string> | undefined;

  async function hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, params);
    return [
      'scrypt',
      params.N,
      params.r,
      params.p,
      salt.toString('base64url'),
      key.toString('base64url'),
    ].join('$');
  }

  async function verify(password: string, stored: string) {
    const parsed = parse(stored);
    if (!parsed) return { ok: false, needsRehash: false };
    const key = await derive(password, parsed.salt, parsed);
    const ok = key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
    const weaker = parsed.N < params.N || parsed.r < params.r || parsed.p < params.p;
    return { ok, needsRehash: ok && weaker };
  }

  async function verifyNobody(password: string) {
    dummy ??= hash(randomBytes(16).toString('hex'));
    await verify(password, await dummy);
  }

  return { hash, verify, verifyNobody };
}
