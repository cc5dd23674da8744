import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './helpers';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP peer on 127.0.0.1 that keeps every message, so tests read emailed links as a person would. */
export async function startMailbox() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const linksTo = (to: string, path: string) => {
    const pattern = new RegExp(`https?://[^\\s]+${path.replaceAll('/', '\\/')}\\?token=([A-Za-z0-9_-]+)`);
    return mails
      .filter((m) => m.to.includes(to.toLowerCase()))
      .map((m) => pattern.exec(m.text)?.[1])
      .filter((token): token is string => Boolean(token));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** Every token emailed to `to` in a link to the dashboard page `path`, oldest first. */
    linksTo,
    /** Waits (bounded) for the `count`-th such link and returns its token. */
    async token(to: string, path: string, count = 1): Promise<string> {
      return waitFor(async () => {
        const tokens = linksTo(to, path);
        const token = tokens[count - 1];
        if (!token) throw new Error(`no mail #${count} to ${to} with a ${path} link (have ${tokens.length})`);
        return token;
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Mailbox = Awaited<ReturnType<typeof startMailbox>>;
