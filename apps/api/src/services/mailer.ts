import type { Logger } from '@sentinelmesh/platform';
import nodemailer from 'nodemailer';

export interface AccountEmail {
  to: string;
  subject: string;
  /** Paragraphs of plain text, before the link. */
  lines: string[];
  /** The dashboard link carrying the single-use token. */
  link: string;
}

/**
 * Sends account emails in the background: a request's answer and timing never depend on the mail
 * server, nor on whether a message was sent at all (that would tell which accounts exist).
 */
export interface Mailer {
  send(email: AccountEmail): void;
  /** Waits for the messages in flight, then closes the transport. */
  close(): Promise<void>;
}

const TIMEOUT_MS = 15_000;

export function createMailer(options: { smtpUrl: string | undefined; from: string; logger: Logger }): Mailer {
  const logger = options.logger.child({ component: 'mailer' });
  const transport = options.smtpUrl
    ? nodemailer.createTransport({
        url: options.smtpUrl,
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      })
    : null;
  const inFlight = new Set<Promise<unknown>>();

  async function deliver(email: AccountEmail): Promise<void> {
    if (!transport) {
      // The local stack has no mail server: the link in the log is how a developer follows it.
      logger.info({ to: email.to, subject: email.subject, link: email.link }, 'email not sent: no SMTP_URL');
      return;
    }
    try {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: `${[...email.lines, email.link].join('\n\n')}\n`,
      });
    } catch (error) {
      const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
      // Never the link: it carries a live token.
      logger.error(
        { subject: email.subject, code: String(responseCode ?? code ?? 'unknown') },
        'account email failed',
      );
    }
  }

  return {
    send(email) {
      const sending = deliver(email).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      transport?.close();
    },
  };
}
