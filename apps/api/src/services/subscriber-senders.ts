import { signWebhook } from '@sentinelmesh/core';
import { assertLiteralAllowed, guardedLookup, readBounded } from '@sentinelmesh/platform';
import nodemailer from 'nodemailer';
import { Agent, request } from 'undici';

export type SendResult = { ok: true } | { ok: false; error: string; permanent: boolean };

export interface SubscriberEmail {
  to: string;
  subject: string;
  text: string;
  /** Stable per delivery: a receiver that sees it twice (a resend after a crash) can drop the copy. */
  messageId: string;
  /** RFC 8058 one-click target. */
  oneClickUrl: string;
}

export interface SubscriberWebhook {
  url: string;
  secret: string;
  /** The delivery id: `Idempotency-Key`, the same on every attempt. */
  idempotencyKey: string;
  body: unknown;
  nowSeconds: number;
}

const TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 16 * 1024;

/** Codes only: messages may carry parts of an address or URL. */
function reason(error: unknown): string {
  const own = error as { code?: unknown; responseCode?: unknown; cause?: { code?: unknown } };
  return String(own.responseCode ?? own.code ?? own.cause?.code ?? 'unknown');
}

/**
 * The two ways a subscriber hears from us: mail through the deployment's SMTP server (with the
 * List-Unsubscribe headers of RFC 2369 and RFC 8058) and a signed POST through the target guard.
 * Each answers whether the receiver took the message; neither throws.
 */
export function createSubscriberSenders(options: {
  smtpUrl: string | undefined;
  from: string;
  allowPrivateTargets: boolean;
  timeoutMs?: number;
}) {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const transport = options.smtpUrl
    ? nodemailer.createTransport({
        url: options.smtpUrl,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      })
    : null;
  const dispatcher = new Agent({
    connect: {
      timeout: timeoutMs,
      lookup: guardedLookup({ allowPrivate: options.allowPrivateTargets }),
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function email(message: SubscriberEmail): Promise<SendResult> {
    if (!transport) return { ok: false, error: 'no SMTP_URL', permanent: false };
    try {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
        headers: {
          'List-Unsubscribe': `<${message.oneClickUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Auto-Submitted': 'auto-generated',
        },
      });
      return { ok: true };
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      // 5xx: the server refuses this message for good (no such mailbox, policy).
      const permanent = typeof code === 'number' && code >= 500 && code < 600;
      return { ok: false, error: `SMTP ${reason(error)}`, permanent };
    }
  }

  async function webhook(message: SubscriberWebhook): Promise<SendResult> {
    const rawBody = JSON.stringify(message.body);
    try {
      const url = new URL(message.url);
      assertLiteralAllowed(url.hostname.replace(/^\[|\]$/g, ''), options.allowPrivateTargets);
      const response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.idempotencyKey,
          'x-sentinel-signature': signWebhook(message.secret, rawBody, message.nowSeconds),
        },
        body: rawBody,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = await readBounded(response.body, MAX_ANSWER_BYTES);
      const { statusCode } = response;
      if (statusCode >= 200 && statusCode < 300 && answer.complete) return { ok: true };
      const permanent = statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429;
      return { ok: false, error: `HTTP ${statusCode}`, permanent };
    } catch (error) {
      const code = reason(error);
      return { ok: false, error: `webhook ${code}`, permanent: code === 'EBLOCKEDTARGET' };
    }
  }

  return {
    email,
    webhook,
    async close() {
      transport?.close();
      await dispatcher.close();
    },
  };
}

export type SubscriberSenders = ReturnType<typeof createSubscriberSenders>;
