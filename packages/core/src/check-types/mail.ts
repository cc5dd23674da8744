import { z } from 'zod';
import { hostName } from '../schemas/monitor-fields';
import { type CheckFormField, type CheckType, defineCheckType } from './check-type';

/** How a mail check secures its connection: not at all, by upgrading it, or TLS from the first byte. */
export const mailTlsModes = ['none', 'starttls', 'implicit'] as const;
export type MailTlsMode = (typeof mailTlsModes)[number];

/** What of the certificate fails a check: chain, name and expiry, or its expiry alone. */
export const mailCertificateChecks = ['full', 'expiry'] as const;

export const mailProtocols = ['smtp', 'imap', 'pop3'] as const;
export type MailProtocol = (typeof mailProtocols)[number];

/** The standard ports of each protocol: plain or upgraded, and implicit TLS. */
const standardPorts: Record<MailProtocol, { plain: number; implicit: number }> = {
  smtp: { plain: 25, implicit: 465 },
  imap: { plain: 143, implicit: 993 },
  pop3: { plain: 110, implicit: 995 },
};

/** The port a mail monitor connects to: its own, or its protocol's standard one for its TLS mode. */
export function mailPort(
  protocol: MailProtocol,
  config: { port?: number | undefined; tls: MailTlsMode },
): number {
  return config.port ?? standardPorts[protocol][config.tls === 'implicit' ? 'implicit' : 'plain'];
}

const names: Record<MailProtocol, { label: string; greeting: string; upgrade: string; host: string }> = {
  smtp: { label: 'SMTP server', greeting: 'a 220 greeting', upgrade: 'STARTTLS', host: 'mail.example.com' },
  imap: {
    label: 'IMAP server',
    greeting: 'an "* OK" greeting',
    upgrade: 'STARTTLS',
    host: 'imap.example.com',
  },
  pop3: { label: 'POP3 server', greeting: 'a "+OK" greeting', upgrade: 'STLS', host: 'pop.example.com' },
};

const mailFields = {
  host: hostName,
  /** Absent: the protocol's standard port for the TLS mode (`mailPort`). */
  port: z.number().int().min(1).max(65_535).optional(),
  tls: z.enum(mailTlsModes).default('starttls'),
  /** Checked against the certificate and sent as SNI; the host when absent. */
  servername: hostName.optional(),
  /** expiry: an untrusted chain or a name mismatch is a detail, not a failure (a self-signed server). */
  certificateCheck: z.enum(mailCertificateChecks).default('full'),
  minDaysLeft: z.number().int().min(0).max(3650).default(14),
  /** With a username the check logs in (over TLS only) and logs out; never more. */
  username: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\r\n\0]+$/, 'a single line')
    .optional(),
  /** Secret: sealed at rest, masked in responses and jobs. */
  password: z
    .string()
    .max(1024)
    .regex(/^[^\r\n\0]*$/, 'a single line')
    .optional(),
};

function mailForm(protocol: MailProtocol): CheckFormField[] {
  const { upgrade, host } = names[protocol];
  const ports = standardPorts[protocol];
  return [
    { name: 'host', label: 'Host', kind: 'text', placeholder: host },
    {
      name: 'tls',
      label: 'TLS',
      kind: 'select',
      options: mailTlsModes,
      initial: 'starttls',
      hint: `starttls: upgrade with ${upgrade}; implicit: TLS from the first byte; none: plain text.`,
    },
    {
      name: 'port',
      label: 'Port (optional)',
      kind: 'number',
      optional: true,
      hint: `${ports.plain}, or ${ports.implicit} with implicit TLS, when empty.`,
    },
    {
      name: 'minDaysLeft',
      label: 'Down when the certificate expires within (days)',
      kind: 'number',
      initial: '14',
    },
    {
      name: 'certificateCheck',
      label: 'Certificate check',
      kind: 'select',
      options: mailCertificateChecks,
      initial: 'full',
      hint: 'full: trusted chain, matching name and expiry; expiry: expiry only (self-signed servers).',
    },
    {
      name: 'username',
      label: 'Log in as (optional)',
      kind: 'text',
      optional: true,
      hint: 'Logs in over TLS and out again, to check the account works. Never sends mail.',
    },
    { name: 'password', label: 'Password (optional)', kind: 'text', optional: true },
    {
      name: 'servername',
      label: 'Server name (SNI, optional)',
      kind: 'text',
      optional: true,
      hint: 'Only when it differs from the host.',
    },
  ];
}

/** A URL-like name of where a mail monitor's checks go: `smtp://`, or `smtps://` with implicit TLS. */
const mailTarget =
  (protocol: MailProtocol) =>
  (config: { host: string; port?: number | undefined; tls: MailTlsMode }): string =>
    `${protocol}${config.tls === 'implicit' ? 's' : ''}://${config.host}:${mailPort(protocol, config)}`;

const mailTargetHosts = (config: { host: string }) => [{ path: 'host', host: config.host }];

/** One mail protocol's check type: greeting, optional TLS, capabilities; never sends mail. */
const mailCheckType = <const P extends MailProtocol>(protocol: P) =>
  ({
    type: protocol,
    label: names[protocol].label,
    description: `Connects, expects ${names[protocol].greeting}, reads the capabilities, judges the certificate when TLS is used, and can log in.`,
    fields: mailFields,
    assertions: { sources: ['responseTimeMs', 'certExpiresInDays'], defaults: [] },
    form: mailForm(protocol),
    // A changed host, port or TLS mode must send the password again: it never follows them unasked.
    secrets: { fields: ['password'], boundTo: ['host', 'port', 'tls'] },
    target: mailTarget(protocol),
    targetHosts: mailTargetHosts,
  }) as const satisfies CheckType<P>;

export const smtpCheckType = defineCheckType(mailCheckType('smtp'));
export const imapCheckType = defineCheckType(mailCheckType('imap'));
export const pop3CheckType = defineCheckType(mailCheckType('pop3'));
