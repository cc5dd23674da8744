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
