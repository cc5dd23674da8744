import { connect as connectTcp, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type ConnectionOptions, connect as connectTls, TLSSocket } from 'node:tls';
import {
  type CheckDetail,
  type CheckError,
  type CheckOutcome,
  type CheckPhases,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
  type MailProtocol,
  mailPort,
} from '@sentinelmesh/core';
import { assertLiteralAllowed, classifyAddress, guardedLookup } from '@sentinelmesh/platform';
import type { CheckContext, CheckExecutor } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';
import { certificateError, judgeCertificate } from './tls-check';

/** A reply (every line of a multi-line one together) longer than this is a protocol error. */
export const MAX_MAIL_REPLY_BYTES = 16 * 1024;
/** At most this many capabilities are reported. */
const MAX_CAPABILITIES = 40;

// Every mail type judges the same sources.
const MAIL_SOURCES: ReadonlySet<string> = new Set(checkTypes.smtp.assertions.sources);

type MailSpec = CheckSpecOf<MailProtocol>;

/** The server answered, but not as its protocol says it must. */
class MailProtocolError extends Error {}

/** The TLS the monitor asked for could not be had: not offered, refused, or a failed handshake. */
class MailTlsError extends Error {}

/**
 * A line-by-line conversation on a socket that can be upgraded to TLS. Reads wait for a whole line;
 * a close, a socket error, the check's deadline or an oversized reply fails the read in progress.
 */
class Dialogue {
  private buffer = '';
  private replyBytes = 0;
  private failure: unknown = null;
  private wake: (() => void) | null = null;

  constructor(public socket: Socket) {
    this.attach(socket);
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    if (this.replyBytes + this.buffer.length > MAX_MAIL_REPLY_BYTES) {
      this.fail(new MailProtocolError(`a reply longer than ${MAX_MAIL_REPLY_BYTES} bytes`));
      this.socket.destroy();
    }
    this.wake?.();
  };
  private readonly onError = (error: Error) => this.fail(error);
  private readonly onClose = () => this.fail(new MailProtocolError('the server closed the connection'));

  private attach(socket: Socket) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Ends every wait with `error` (the first one given wins). */
  fail(error: unknown) {
    this.failure ??= error;
    this.wake?.();
  }

  /** A reply begins: its size counts from here. */
  startReply() {
    this.replyBytes = 0;
  }

  async line(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, '');
        this.buffer = this.buffer.slice(end + 1);
        this.replyBytes += end + 1;
        return line;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  send(command: string) {
    this.socket.write(`${command}\r\n`);
  }

  /** Waits for `event` on the socket; a failure first ends the wait with it. */
  async until(event: 'connect' | 'secureConnect'): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.socket.once(event, () => resolve());
      this.wake = () => {
        if (this.failure) reject(this.failure);
      };
    });
    this.wake = null;
  }

  /**
   * Bytes the server sent after agreeing to TLS would be read as if they had come over TLS, so they
   * are refused (the STARTTLS command injection flaw).
   */
  assertQuiet() {
    if (this.buffer.length > 0) throw new MailProtocolError('the server sent data after agreeing to TLS');
  }

  /** Starts TLS on the connection once the server has agreed; resolves when the handshake is done. */
  async upgrade(options: ConnectionOptions): Promise<TLSSocket> {
    // The TLS socket reads the plain one from here on; errors and a close still end the dialogue.
    this.socket.off('data', this.onData);
    const secure = connectTls({ ...options, socket: this.socket });
    this.socket = secure;
    this.attach(secure);
    await this.until('secureConnect');
    return secure;
  }
}

const offers = (capabilities: string[], keyword: string) =>
  capabilities.some((line) => line.split(/\s+/)[0]?.toUpperCase() === keyword);

interface SmtpReply {
  code: number;
  lines: string[];
}

/** One SMTP reply: `ddd-text` lines, then `ddd text` (RFC 5321 4.2). */
async function smtpReply(dialogue: Dialogue): Promise<SmtpReply> {
  dialogue.startReply();
  const lines: string[] = [];
  for (;;) {
    const line = await dialogue.line();
    const match = /^(\d{3})([ -]|$)(.*)$/.exec(line);
    if (!match) throw new MailProtocolError(`not an SMTP reply: ${shorten(line)}`);
    lines.push(match[3] ?? '');
    if (match[2] !== '-') return { code: Number(match[1]), lines };
  }
}

const said = (reply: SmtpReply) => shorten(`${reply.code} ${reply.lines.join(' ').trim()}`.trim());

/** What each protocol says: its greeting, how it lists capabilities and starts TLS, how it leaves. */
interface Dialect {
  /** Reads the greeting; returns its text. */
  greeting(dialogue: Dialogue): Promise<string>;
  capabilities(dialogue: Dialogue): Promise<string[]>;
  /** The capability that offers TLS, and the command that starts it. */
  upgrade: string;
  /** Asks to start TLS; resolves when the server agrees. */
  startTls(dialogue: Dialogue): Promise<void>;
  /** Logs in; resolves to null when the server accepts, or to what it said when it refuses. */
  login(
    dialogue: Dialogue,
    username: string,
    password: string,
    capabilities: string[],
  ): Promise<string | null>;
  quit(dialogue: Dialogue): void;
}

/** The EHLO argument: the address literal of this end of the connection (RFC 5321 4.1.3). */
function ehloName(socket: Socket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

const smtp: Dialect = {
  async greeting(dialogue) {
    const reply = await smtpReply(dialogue);
    if (reply.code !== 220) throw new MailProtocolError(`greeting was ${said(reply)}, not 220`);
    return reply.lines.join(' ');
  },
  async capabilities(dialogue) {
    dialogue.send(`EHLO ${ehloName(dialogue.socket)}`);
    const reply = await smtpReply(dialogue);
    if (reply.code !== 250) throw new MailProtocolError(`EHLO answered ${said(reply)}`);
    return reply.lines.slice(1);
  },
  upgrade: 'STARTTLS',
  async startTls(dialogue) {
    dialogue.send('STARTTLS');
    const reply = await smtpReply(dialogue);
    if (reply.code !== 220) throw new MailTlsError(`STARTTLS answered ${said(reply)}`);
  },
  async login(dialogue, username, password, capabilities) {
    const auth = capabilities.find((line) => /^AUTH[ =]/i.test(line));
    const mechanisms = auth ? auth.slice(5).toUpperCase().split(/\s+/) : [];
    const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    if (mechanisms.includes('PLAIN')) {
      dialogue.send(`AUTH PLAIN ${base64(`\0${username}\0${password}`)}`);
    } else if (mechanisms.includes('LOGIN')) {
      dialogue.send('AUTH LOGIN');
      for (const answer of [username, password]) {
        const challenge = await smtpReply(dialogue);
        if (challenge.code !== 334) return said(challenge);
        dialogue.send(base64(answer));
      }
    } else {
      return 'the server offers no AUTH PLAIN or LOGIN';
    }
    const reply = await smtpReply(dialogue);
    return reply.code === 235 ? null : said(reply);
  },
  quit(dialogue) {
    dialogue.send('QUIT');
  },
};

/** An IMAP quoted string (RFC 9051 4.3). */
const quoted = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** IMAP's commands are tagged; untagged lines (`* ...`) come before the tagged completion. */
function imapDialect(): Dialect {
  let tag = 0;
  const command = async (dialogue: Dialogue, text: string, untagged: string[] = []) => {
    tag += 1;
    const name = `A${tag}`;
    dialogue.send(`${name} ${text}`);
    dialogue.startReply();
    for (;;) {
      const line = await dialogue.line();
      if (line.startsWith('* ')) untagged.push(line.slice(2));
      else if (line.startsWith(`${name} `)) return line.slice(name.length + 1);
      else if (!line.startsWith('+')) throw new MailProtocolError(`not an IMAP response: ${shorten(line)}`);
    }
  };
  const ok = (completion: string) => /^OK\b/i.test(completion);
  return {
    async greeting(dialogue) {
      dialogue.startReply();
      const line = await dialogue.line();
      const match = /^\* (OK|PREAUTH)\b ?(.*)$/i.exec(line);
      if (!match) throw new MailProtocolError(`greeting was "${shorten(line)}", not "* OK"`);
      return match[2] ?? '';
    },
    async capabilities(dialogue) {
      const untagged: string[] = [];
      const completion = await command(dialogue, 'CAPABILITY', untagged);
      if (!ok(completion)) throw new MailProtocolError(`CAPABILITY answered ${shorten(completion)}`);
      const listed = untagged.find((line) => /^CAPABILITY\b/i.test(line));
      return listed ? listed.split(/\s+/).slice(1) : [];
    },
    upgrade: 'STARTTLS',
    async startTls(dialogue) {
      const completion = await command(dialogue, 'STARTTLS');
      if (!ok(completion)) throw new MailTlsError(`STARTTLS answered ${shorten(completion)}`);
    },
    async login(dialogue, username, password, capabilities) {
      if (offers(capabilities, 'LOGINDISABLED')) return 'the server has LOGINDISABLED';
      const completion = await command(dialogue, `LOGIN ${quoted(username)} ${quoted(password)}`);
      return ok(completion) ? null : shorten(completion);
    },
    quit(dialogue) {
      tag += 1;
      dialogue.send(`A${tag} LOGOUT`);
    },
  };
}

/** One POP3 status line: `+OK` or `-ERR` (RFC 1939 3). */
async function popStatus(dialogue: Dialogue): Promise<{ ok: boolean; line: string }> {
  dialogue.startReply();
  const line = await dialogue.line();
  if (!/^(\+OK|-ERR)\b/.test(line)) throw new MailProtocolError(`not a POP3 reply: ${shorten(line)}`);
  return { ok: line.startsWith('+OK'), line };
}

const pop3: Dialect = {
  async greeting(dialogue) {
    dialogue.startReply();
    const line = await dialogue.line();
    if (!/^\+OK\b/.test(line)) throw new MailProtocolError(`greeting was "${shorten(line)}", not "+OK"`);
    return line.slice(3).trim();
  },
  async capabilities(dialogue) {
    dialogue.send('CAPA');
    const status = await popStatus(dialogue);
    // CAPA is an extension (RFC 2449): a server without it has nothing to list.
    if (!status.ok) return [];
    const listed: string[] = [];
    for (;;) {
      const line = await dialogue.line();
      if (line === '.') return listed;
      listed.push(line.startsWith('.') ? line.slice(1) : line);
    }
  },
  upgrade: 'STLS',
  async startTls(dialogue) {
    dialogue.send('STLS');
    const status = await popStatus(dialogue);
    if (!status.ok) throw new MailTlsError(`STLS answered ${shorten(status.line)}`);
  },
  async login(dialogue, username, password) {
    dialogue.send(`USER ${username}`);
    const user = await popStatus(dialogue);
    if (!user.ok) return shorten(user.line);
    dialogue.send(`PASS ${password}`);
    const pass = await popStatus(dialogue);
    return pass.ok ? null : shorten(pass.line);
  },
  quit(dialogue) {
    dialogue.send('QUIT');
  },
};

const dialects: Record<MailProtocol, () => Dialect> = {
  smtp: () => smtp,
  imap: imapDialect,
  pop3: () => pop3,
};

/** How a failure before the dialogue ended is reported; `during` says what was under way. */
function mailError(error: unknown, during: 'connect' | 'tls' | 'dialogue', timeoutMs: number): CheckError {
  if (error instanceof MailTlsError) return { kind: 'tls', message: shorten(error.message) };
  const classified =
    error instanceof MailProtocolError
      ? { kind: 'protocol' as const, message: shorten(error.message) }
      : classifyError(error, { timeoutMs });
  if (during !== 'tls' || classified.kind === 'timeout' || classified.kind === 'tls') return classified;
  // A reset or a close in the middle of a handshake is the handshake failing.
  return { kind: 'tls', message: shorten(`TLS handshake failed: ${classified.message}`) };
}

/**
 * A mail server check (SMTP, IMAP or POP3): connects (with TLS from the first byte when `tls` is
 * implicit), expects the protocol's greeting, lists the capabilities, upgrades with STARTTLS (STLS)
 * when `tls` is starttls and lists them again, judges the certificate like a TLS check, logs in when
 * the monitor has a username (over TLS only, and only when the certificate passed), and leaves
 * politely. It never sends mail. Everything is bounded by `timeoutMs`.
 */
async function mailCheck(protocol: MailProtocol, spec: MailSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const { host } = spec;
  try {
    assertLiteralAllowed(host, ctx.allowPrivateTargets);
  } catch (error) {
    return failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }));
  }
  const bare = host.replace(/^\[|\]$/g, '');
  const name = spec.servername ?? bare;
  const tlsOptions: ConnectionOptions = {
    ...(classifyAddress(name) ? {} : { servername: name }),
    // Judged after the handshake, so that every problem is reported rather than the first one.
    rejectUnauthorized: false,
  };
  const dialect = dialects[protocol]();
  const started = performance.now();
  const phases: CheckPhases = { ...emptyPhases, dnsMs: classifyAddress(host) ? 0 : null };
  const details: CheckDetail[] = [];
  let during: 'connect' | 'tls' | 'dialogue' = 'connect';
  let secure: TLSSocket | null = null;

  const lookup = guardedLookup({ allowPrivate: ctx.allowPrivateTargets });
  const target = { host: bare, port: mailPort(protocol, spec), lookup };
  const socket: Socket =
    spec.tls === 'implicit' ? connectTls({ ...target, ...tlsOptions }) : connectTcp(target);
  const dialogue = new Dialogue(socket);
  const timer = setTimeout(() => {
    dialogue.fail(Object.assign(new Error('mail check timed out'), { code: 'ETIMEDOUT' }));
    dialogue.socket.destroy();
  }, spec.timeoutMs);
  let connectedAt = started;
  socket.once('lookup', () => {
    phases.dnsMs = performance.now() - started;
  });
  socket.once('connect', () => {
    connectedAt = performance.now();
    phases.connectMs = connectedAt - started - (phases.dnsMs ?? 0);
  });
  const measured = () => ({ statusCode: null, latencyMs: performance.now() - started, phases });

  try {
    await dialogue.until('connect');
    if (socket instanceof TLSSocket) {
      during = 'tls';
      await dialogue.until('secureConnect');
      secure = socket;
      phases.tlsMs = performance.now() - connectedAt;
    }
    const readyAt = performance.now();
    during = 'dialogue';
    const banner = await dialect.greeting(dialogue);
    phases.ttfbMs = performance.now() - readyAt;
    details.push(
      { label: 'Greeting', value: Math.round(phases.ttfbMs), unit: 'ms' },
      { label: 'Banner', value: banner },
    );
    let capabilities = await dialect.capabilities(dialogue);
    if (spec.tls === 'starttls') {
      if (!offers(capabilities, dialect.upgrade)) {
        throw new MailTlsError(`the server does not offer ${dialect.upgrade}`);
      }
      await dialect.startTls(dialogue);
      dialogue.assertQuiet();
      during = 'tls';
      const upgradeAt = performance.now();
      secure = await dialogue.upgrade(tlsOptions);
      phases.tlsMs = performance.now() - upgradeAt;
      during = 'dialogue';
      // What a server offers before TLS is not to be trusted; ask again.
      capabilities = await dialect.capabilities(dialogue);
    }
    details.push({ label: 'Capabilities', value: capabilities.slice(0, MAX_CAPABILITIES).join(', ') });
    const now = ctx.now();
    const certificate = secure
      ? judgeCertificate(secure, spec.certificateCheck === 'full' ? name : null, spec.minDaysLeft, now)
      : null;
    const problems: FailedAssertion[] = certificate?.problems ?? [];
    const refusals: FailedAssertion[] = [];
    if (spec.username !== undefined) {
      if (!secure) throw new MailTlsError('a login needs TLS: credentials are never sent in plain text');
      // A server whose certificate fails the check may not be the one the password is for.
      if (problems.length > 0) {
        details.push({ label: 'Login', value: 'not tried: the certificate failed the check' });
      } else {
        const loginAt = performance.now();
        const refused = await dialect.login(dialogue, spec.username, spec.password ?? '', capabilities);
        details.push({ label: 'Login', value: Math.round(performance.now() - loginAt), unit: 'ms' });
        if (refused !== null) {
          refusals.push({ source: 'login', op: 'eq', expected: 'accepted', actual: refused });
        }
      }
    }
    dialect.quit(dialogue);

    if (secure && certificate) {
      details.push(
        { label: 'TLS version', value: secure.getProtocol() },
        { label: 'Certificate days left', value: certificate.daysLeft, unit: 'days' },
      );
    }
    const observed = { ...measured(), certExpiresAt: certificate?.expiresAt ?? null };
    const failed = evaluateAssertions(
      spec.assertions.filter((a) => MAIL_SOURCES.has(a.source)),
      { ...observed, headers: {}, body: null },
      now,
    );
    const outcome = answeredOutcome(observed, [...problems, ...refusals, ...failed]);
    // A refused login is the same failure a database check reports: `auth`, with what the server said.
    const loginError =
      refusals.length > 0 && outcome.error ? { ...outcome.error, kind: 'auth' as const } : null;
    outcome.error = certificateError(problems) ?? loginError ?? outcome.error;
    return { ...outcome, details };
  } catch (error) {
    return { ...failedOutcome(mailError(error, during, spec.timeoutMs), measured()), details };
  } finally {
    clearTimeout(timer);
    dialogue.socket.destroy();
  }
}

export const smtpCheck: CheckExecutor<'smtp'> = (spec, ctx) => mailCheck('smtp', spec, ctx);
export const imapCheck: CheckExecutor<'imap'> = (spec, ctx) => mailCheck('imap', spec, ctx);
export const pop3Check: CheckExecutor<'pop3'> = (spec, ctx) => mailCheck('pop3', spec, ctx);
