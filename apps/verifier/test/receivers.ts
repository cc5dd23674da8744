import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  alertId: string;
  event: string;
  /** Raw header values by lower-case name (the last one of a name). */
  rawHeaders: Record<string, string>;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

/** A real SMTP peer on 127.0.0.1: accepts every message and keeps it parsed. */
export async function startSmtpReceiver() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const header = (name: string) => String(mail.headers.get(name) ?? '');
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
            alertId: header('x-sentinelmesh-alert-id'),
            event: header('x-sentinelmesh-event'),
            rawHeaders: Object.fromEntries(
              mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()]),
            ),
            attachments: mail.attachments.map((a) => ({
              filename: a.filename ?? '',
              contentType: a.contentType,
              content: a.content,
            })),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: { summary: string; source: string; severity: string; custom_details?: Record<string, unknown> };
  links?: Array<{ href: string; text: string }>;
}

/**
 * A local stand-in for the PagerDuty Events API v2: validates each event as PagerDuty does and
 * answers 202 with the dedup key, or 400 with errors.
 */
export async function startPagerDutyReceiver() {
  const events: PagerDutyEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      let event: PagerDutyEvent;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ['bad json'],
        });
      }
      const errors: string[] = [];
      if (req.url !== '/v2/enqueue') errors.push('wrong path');
      if (!event.routing_key) errors.push("'routing_key' is missing");
      if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action))
        errors.push("'event_action' is invalid");
      if (event.event_action === 'trigger') {
        if (!event.payload?.summary) errors.push("'payload.summary' is missing");
        if (!event.payload?.source) errors.push("'payload.source' is missing");
        if (!['critical', 'error', 'warning', 'info'].includes(event.payload?.severity ?? '')) {
          errors.push("'payload.severity' is invalid");
        }
      } else if (!event.dedup_key) {
        errors.push("'dedup_key' is required to resolve");
      }
      if (errors.length > 0)
        return reply(400, { status: 'invalid event', message: 'Event object is invalid', errors });
      events.push(event);
      return reply(202, { status: 'success', message: 'Event processed', dedup_key: event.dedup_key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    eventsUrl: `http://127.0.0.1:${port}/v2/enqueue`,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface DiscordMessage {
  path: string;
  userAgent: string;
  body: {
    username?: string;
    content?: string;
    embeds?: Array<{
      title?: string;
      url?: string;
      color?: number;
      timestamp?: string;
      fields?: Array<{ name: string; value: string }>;
    }>;
    allowed_mentions?: { parse: string[] };
  };
  receivedAtMs: number;
}

/**
 * A local stand-in for Discord's execute-webhook endpoint (`POST /api/webhooks/<id>/<token>`):
 * validates a message as Discord does (content and/or embeds, their limits, the username), answers
 * 204 with no body, 400 with Discord's error JSON, or a scripted 429 with `retry_after` in seconds.
 */
export async function startDiscordReceiver() {
  const messages: DiscordMessage[] = [];
  const attempts: Array<{ path: string; atMs: number; status: number }> = [];
  const rateLimits = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        attempts.push({ path, atMs: Date.now(), status });
        if (body === undefined) return res.writeHead(status, headers).end();
        return res
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !/^\/api\/webhooks\/\d+\/[\w-]+$/.test(path)) {
        return reply(404, { message: 'Unknown Webhook', code: 10015 });
      }
      const retryAfter = rateLimits.get(path)?.shift();
      if (retryAfter !== undefined) {
        return reply(
          429,
          { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
          { 'retry-after': String(Math.ceil(retryAfter)) },
        );
      }
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        return reply(400, { message: 'Cannot send an empty message', code: 50006 });
      }
      let body: DiscordMessage['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { message: 'The request body contains invalid JSON.', code: 50109 });
      }
      const embeds = body.embeds ?? [];
      const problems = [
        !body.content && embeds.length === 0 ? 'empty' : null,
        (body.content ?? '').length > 2000 ? 'content' : null,
        embeds.length > 10 ? 'embeds' : null,
        ...embeds.flatMap((embed) => [
          (embed.title ?? '').length > 256 ? 'embed title' : null,
          (embed.fields ?? []).length > 25 ? 'embed fields' : null,
          ...(embed.fields ?? []).map((f) => (!f.name || !f.value || f.value.length > 1024 ? 'field' : null)),
        ]),
        body.username !== undefined &&
        (body.username.length > 80 || body.username.toLowerCase().includes('discord'))
          ? 'username'
          : null,
      ].filter(Boolean);
      if (problems.length > 0) {
        return reply(400, { message: 'Invalid Form Body', code: 50035, errors: problems });
      }
      messages.push({
        path,
        userAgent: String(req.headers['user-agent']),
        body,
        receivedAtMs: Date.now(),
      });
      return reply(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** A webhook URL of this receiver, as Discord hands them out. */
    webhookUrl: (id: string, token = 'tOkEn-abc_123') =>
      `http://127.0.0.1:${port}/api/webhooks/${id}/${token}`,
    messages,
    /** Every answer given, in order, with when it was given. */
    attempts,
    /** Answers the next requests to `path` with 429 and these `retry_after` values (seconds). */
    rateLimit: (path: string, retryAfterSeconds: number[]) => rateLimits.set(path, [...retryAfterSeconds]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
