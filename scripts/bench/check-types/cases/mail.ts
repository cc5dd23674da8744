import type { CheckSpecOf, MailProtocol, MailTlsMode } from '@sentinelmesh/core';
import {
  type MailServer,
  startImapServer,
  startPop3Server,
  startSmtpServer,
} from '../../../../test/support/mail-servers';
import type { BenchCase } from '../case';

/** A mail check of a local server: greeting, capabilities and, with TLS, a full handshake each time. */
function mailCase(
  type: MailProtocol,
  tls: MailTlsMode,
  start: (tls: MailTlsMode) => Promise<MailServer>,
): BenchCase {
  return {
    type,
    label: `${type.toUpperCase()}, TLS ${tls}`,
    async start() {
      const server = await start(tls);
      const spec: CheckSpecOf<MailProtocol> = {
        id: '00000000-0000-4000-8000-00000000b001',
        orgId: '00000000-0000-4000-8000-00000000b002',
        name: `bench ${type}`,
        timeoutMs: 5000,
        intervalSeconds: 60,
        assertions: [],
        type,
        host: '127.0.0.1',
        port: server.port,
        tls,
        // The servers present a self-signed certificate: only its expiry is judged.
        certificateCheck: 'expiry',
        minDaysLeft: 14,
      };
      return { spec, close: () => server.close() };
    },
  };
}

export const cases: BenchCase[] = [
  mailCase('smtp', 'none', (tls) => startSmtpServer({ tls })),
  mailCase('smtp', 'starttls', (tls) => startSmtpServer({ tls })),
  mailCase('imap', 'starttls', (tls) => startImapServer({ tls })),
  mailCase('pop3', 'implicit', (tls) => startPop3Server({ tls })),
];
