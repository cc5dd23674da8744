import { isIP } from 'node:net';
import { signWebhook } from '@sentinelmesh/core';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { ChannelAdapter, Delivery, DeliveryResult } from './adapter';
import { isPublicAddress, publicOnlyLookup } from './target-guard';

const configSchema = z.object({
  url: z
    .string()
    .url()
    .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be http or https'),
});
const secretsSchema = z.object({ secret: z.string().min(1) });

export interface WebhookOptions {
  /** Deliver to private, loopback and link-local addresses (local deployments). */
  allowPrivateTargets: boolean;
  userAgent: string;
  clock: () => number;
  timeoutMs?: number;
}

function errorCode(error: unknown): string | undefined {
  const own = error as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof own?.code === 'string') return own.code;
  if (own?.cause) return errorCode(own.cause);
  return typeof own?.name === 'string' ? own.name : undefined;
}

/** A short reason from codes only: messages may carry parts of the URL. */
function describe(error: unknown): { error: string; permanent: boolean } {
  const code = errorCode(error);
  if (code === 'EBLOCKEDTARGET') return { error: 'blocked target: non-public address', permanent: true };
  if (code === 'TimeoutError' || code === 'AbortError' || code?.endsWith('_TIMEOUT')) {
    return { error: 'timeout', permanent: false };
  }
  if (code === 'ECONNREFUSED') return { error: 'connection refused', permanent: false };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
    return { error: 'connection reset', permanent: false };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { error: 'DNS: host not found', permanent: false };
  return { error: `network error${code ? `: ${code}` : ''}`, permanent: false };
}

/** Webhook channel: POSTs the alert payload as raw JSON, signed with the channel's secret. */
export function createWebhookAdapter(options: WebhookOptions): ChannelAdapter & { close(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs, ...(options.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function deliver(delivery: Delivery): Promise<DeliveryResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const config = configSchema.safeParse(delivery.config);
    if (!config.success) {
      return { ok: false, statusCode: null, error: 'invalid webhook url', durationMs: 0, permanent: true };
    }
    const url = new URL(config.data.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivateTargets && isIP(host) && !isPublicAddress(host)) {
      return {
        ok: false,
        statusCode: null,
        error: 'blocked target: non-public address',
        durationMs: 0,
        permanent: true,
      };
    }
    const rawBody = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': delivery.alertId,
      'user-agent': options.userAgent,
    };
    const secrets = secretsSchema.safeParse(delivery.secrets);
    if (secrets.success) {
      headers['x-sentinel-signature'] = signWebhook(
        secrets.data.secret,
        rawBody,
        Math.floor(options.clock() / 1000),
      );
    }
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body: rawBody,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return {
        ok,
        statusCode: response.statusCode,
        error: ok ? null : `HTTP ${response.statusCode}`,
        durationMs: elapsed(),
      };
    } catch (error) {
      return { ok: false, statusCode: null, durationMs: elapsed(), ...describe(error) };
    }
  }

  return { type: 'webhook', deliver, close: () => dispatcher.close() };
}
