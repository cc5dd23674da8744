import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Sentinel-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * The signature header during a secret rotation: `t=<t>,v1=<current>,v1=<previous>`, so a receiver
 * holding either secret can verify. With one secret it is exactly `signWebhook`.
 */
export function signWebhookRotating(
  secrets: readonly [string, ...string[]],
  rawBody: string,
  unixSeconds: number,
): string {
  const macs = secrets.map((secret) => signWebhook(secret, rawBody, unixSeconds).split(',v1=')[1]);
  return [`t=${unixSeconds}`, ...macs.map((mac) => `v1=${mac}`)].join(',');
}

/** Checks a signature header (any of its `v1` values) against any of the given secrets (two during a rotation). */
export function verifyWebhookSignature(
  secrets: readonly string[],
  rawBody: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(',').map((p) => p.split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  const given = parts
    .filter(([key, value]) => key === 'v1' && value)
    .map(([, v]) => Buffer.from(v ?? '', 'hex'));
  if (!Number.isInteger(t) || given.length === 0 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  return secrets.some((secret) => {
    const expected = Buffer.from(signWebhook(secret, rawBody, t).split('v1=')[1] ?? '', 'hex');
    return given.some((mac) => expected.length === mac.length && timingSafeEqual(expected, mac));
  });
}
