import { startSmtpReceiver } from '../../verifier/test/receivers';
import { waitFor } from './helpers';

/**
 * The verifier's real SMTP receiver on 127.0.0.1, with a way to read the links the API emails, so
 * tests follow emailed links as a person would.
 */
export async function startMailbox() {
  const receiver = await startSmtpReceiver();
  const linksTo = (to: string, path: string) => {
    const pattern = new RegExp(`https?://[^\\s]+${path.replaceAll('/', '\\/')}\\?token=([A-Za-z0-9_-]+)`);
    const address = to.toLowerCase();
    return receiver.mails
      .filter((m) => m.to.some((rcpt) => rcpt.toLowerCase() === address))
      .map((m) => pattern.exec(m.text)?.[1])
      .filter((token): token is string => Boolean(token));
  };
  return {
    ...receiver,
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
  };
}

export type Mailbox = Awaited<ReturnType<typeof startMailbox>>;
