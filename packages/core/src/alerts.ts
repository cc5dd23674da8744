import { createHmac, timingSafeEqual } from 'node:crypto';

export const alertEvents = ['monitor.down', 'monitor.up', 'monitor.flapping', 'test'] as const;
export type AlertEvent = (typeof alertEvents)[number];

/** The JSON body every webhook receives (API.md). */
export interface AlertPayload {
  id: string;
  event: AlertEvent;
  occurredAt: string;
  monitor: { id: string; name: string; url: string | null };
  incident: { id: string; openedAt: string; resolvedAt: string | null } | null;
  cause: string | null;
}

/** `X-Sentinel-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Checks a signature header against any of the given secrets (two during a rotation). */
export function verifyWebhookSignature(
  secrets: readonly string[],
  rawBody: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const given = Buffer.from(v1, 'hex');
  return secrets.some((secret) => {
    const expected = Buffer.from(signWebhook(secret, rawBody, t).split('v1=')[1] ?? '', 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
