import nodemailer from 'nodemailer';
import { type ChannelAdapter, refused, typedDeliver } from './adapter';
import { type AlertMessage, alertMessage, labelColors, messageLines } from './message';

export interface EmailOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`); null when the deployment has no mail server. */
  smtpUrl: string | null;
  from: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

/** SMTP replies are short lines; the longest honest one (EHLO's extension list) is well below this. */
export const MAX_SMTP_REPLY_BYTES = 16 * 1024;

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML part: the same facts as the text part, in a small table. */
export function emailHtml(m: AlertMessage): string {
  const rows = [
    ['Target', m.target],
    ['Cause', m.cause],
    ['Duration', m.duration],
    ['Acknowledged by', m.acknowledged],
    ['When', m.occurredAt],
  ]
    .filter((row): row is [string, string] => row[1] !== null)
    .map(([k, v]) => `<tr><th align="left">${k}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="color:${labelColors[m.label] ?? '#333'}">${escapeHtml(m.title)}</h2>`,
    `<table cellpadding="4">${rows}</table>`,
    `<p><a href="${escapeHtml(m.link)}">Open in SentinelMesh</a></p>`,
    ...(m.ackLink ? [`<p><a href="${escapeHtml(m.ackLink)}"><strong>Acknowledge</strong></a></p>`] : []),
    '</body></html>',
  ].join('');
}

/** SMTP reply codes 5xx are permanent (bad recipient, refused); 4xx and network trouble are worth a retry. */
function describe(error: unknown): { error: string; permanent: boolean; statusCode: number | null } {
  const own = error as { responseCode?: unknown; code?: unknown };
  const responseCode = typeof own?.responseCode === 'number' ? own.responseCode : null;
  if (responseCode !== null) {
    return { error: `SMTP ${responseCode}`, permanent: responseCode >= 500, statusCode: responseCode };
  }
  const code = typeof own?.code === 'string' ? own.code : 'unknown';
  return { error: `SMTP error: ${code}`, permanent: code === 'EAUTH', statusCode: null };
}

/** Email channel: one message per alert over the deployment's SMTP server, with text and HTML parts. */
export function createEmailAdapter(options: EmailOptions): ChannelAdapter & { close(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transport = options.smtpUrl
    ? nodemailer.createTransport({
        url: options.smtpUrl,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        // A server reply longer than this ends the attempt instead of growing a buffer.
        maxResponseSize: MAX_SMTP_REPLY_BYTES,
      })
    : null;

  const deliver = typedDeliver('email', 'invalid email recipients', async (delivery) => {
    if (!transport) {
      return refused('email is not configured on this deployment: set SMTP_URL (and SMTP_FROM)');
    }
    const m = alertMessage(delivery.payload, options.dashboardUrl);
    const started = performance.now();
    try {
      await transport.sendMail({
        from: options.from,
        to: delivery.config.to,
        subject: `[SentinelMesh] ${m.title}`,
        text: `${messageLines(m).join('\n')}\n`,
        html: emailHtml(m),
        // The same Message-ID on every retry, so a mail system can drop a duplicate.
        messageId: `<${delivery.alertId}@sentinelmesh>`,
        headers: {
          'X-SentinelMesh-Alert-Id': delivery.alertId,
          'X-SentinelMesh-Event': delivery.payload.event,
        },
      });
      return { ok: true, statusCode: 250, error: null, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, durationMs: Math.round(performance.now() - started), ...describe(error) };
    }
  });

  return {
    type: 'email',
    deliver,
    close: async () => {
      transport?.close();
    },
  };
}
