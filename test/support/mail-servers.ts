import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { SMTPServer } from 'smtp-server';

// Local mail servers on 127.0.0.1 speaking the real protocols: SMTP through `smtp-server`, and small
// IMAP (RFC 9051) and POP3 (RFC 1939, 2449, 2595) servers for the greeting, capability, STARTTLS and
// login and logout exchanges a mail check has. They take no mail.

const fixture = (name: string) =>
  readFileSync(new URL(`../../apps/worker/test/fixtures/${name}`, import.meta.url));
/** The self-signed certificate for localhost and 127.0.0.1 the servers present. */
export const mailServerTls = { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') };

export type MailServerTls = 'none' | 'starttls' | 'implicit';

export interface MailServer {
  port: number;
  close(): Promise<void>;
}

export interface LineServerOptions {
  tls?: MailServerTls;
  /** The greeting line, instead of the protocol's usual one. */
  greeting?: string;
  /** Agrees to STARTTLS and sends one more line in the same write, before any handshake. */
  injectAfterStartTls?: boolean;
  /** Agrees to STARTTLS and then answers the client's TLS hello with plain text. */
  brokenStartTls?: boolean;
  /** The one account that may log in (over TLS); without it every login is refused. */
  account?: MailAccount;
  /** Told of every login attempt, with the user name. */
  onLogin?: (username: string) => void;
}

export interface MailAccount {
  username: string;
  password: string;
}

const accepts = (account: MailAccount | undefined, username: string, password: string) =>
  account !== undefined && account.username === username && account.password === password;

/** The arguments of an IMAP command: atoms and quoted strings (RFC 9051 4.3). */
function imapArguments(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''),
  );
}

async function listen(server: Server | SMTPServer): Promise<number> {
  const net = server instanceof SMTPServer ? server.server : server;
  net.listen(0, '127.0.0.1');
  await once(net, 'listening');
  return (net.address() as AddressInfo).port;
}

const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** What a line server does with one command line; `upgrade` starts TLS after the reply is written. */
type Handler = (
  line: string,
  session: { secure: boolean; reply(text: string): void; upgrade(): void; end(): void },
) => void;

function lineServer(options: LineServerOptions, greeting: string, handle: Handler): Server {
  const serve = (socket: Socket, secure: boolean) => {
    socket.on('error', () => {});
    let buffer = '';
    const session = {
      secure,
      reply: (text: string) => socket.write(`${text}\r\n`),
      upgrade: () => {
        socket.off('data', onData);
        if (options.brokenStartTls) {
          // Answers the client's hello, so the agreement itself arrives alone.
          socket.once('data', () => socket.end('this is not TLS\r\n'));
          return;
        }
        serve(new TLSSocket(socket, { isServer: true, ...mailServerTls }), true);
      },
      end: () => socket.end(),
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end).replace(/\r$/, '');
        buffer = buffer.slice(end + 1);
        handle(line, session);
      }
    };
    socket.on('data', onData);
    return session;
  };
  const greet = (socket: Socket, secure: boolean) =>
    serve(socket, secure).reply(options.greeting ?? greeting);
  return options.tls === 'implicit'
    ? createTlsServer(mailServerTls, (socket) => greet(socket, true))
    : createTcpServer((socket) => greet(socket, false));
}

/** An IMAP server: CAPABILITY, STARTTLS (offered unless `tls` is none) and LOGOUT. */
export async function startImapServer(options: LineServerOptions = {}): Promise<MailServer> {
  const server = lineServer(options, '* OK [CAPABILITY IMAP4rev1] test IMAP ready', (line, session) => {
    const [tag = '*', command = ''] = line.split(' ');
    switch (command.toUpperCase()) {
      case 'CAPABILITY': {
        const starttls = options.tls === 'starttls' && !session.secure ? ' STARTTLS' : '';
        const disabled = session.secure ? '' : ' LOGINDISABLED';
        session.reply(`* CAPABILITY IMAP4rev1${starttls}${disabled} IDLE`);
        session.reply(`${tag} OK CAPABILITY completed`);
        return;
      }
      case 'STARTTLS':
        if (options.tls !== 'starttls' || session.secure) {
          session.reply(`${tag} BAD STARTTLS not available`);
          return;
        }
        session.reply(
          `${tag} OK Begin TLS negotiation now${options.injectAfterStartTls ? '\r\n* OK injected' : ''}`,
        );
        session.upgrade();
        return;
      case 'LOGIN': {
        const [username = '', password = ''] = imapArguments(line.slice(tag.length + 7));
        options.onLogin?.(username);
        if (session.secure && accepts(options.account, username, password)) {
          session.reply(`${tag} OK LOGIN completed`);
        } else {
          session.reply(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
        }
        return;
      }
      case 'LOGOUT':
        session.reply('* BYE logging out');
        session.reply(`${tag} OK LOGOUT completed`);
        session.end();
        return;
      default:
        session.reply(`${tag} BAD unknown command`);
    }
  });
  const port = await listen(server);
  return { port, close: () => closed(server) };
}

/** A POP3 server: CAPA, STLS (offered unless `tls` is none) and QUIT. */
export async function startPop3Server(options: LineServerOptions = {}): Promise<MailServer> {
  const users = new WeakMap<object, string>();
  const server = lineServer(options, '+OK test POP3 ready', (line, session) => {
    switch (line.split(' ')[0]?.toUpperCase()) {
      case 'CAPA':
        session.reply('+OK Capability list follows');
        session.reply('TOP');
        session.reply('UIDL');
        if (options.tls === 'starttls' && !session.secure) session.reply('STLS');
        session.reply('.');
        return;
      case 'STLS':
        if (options.tls !== 'starttls' || session.secure) {
          session.reply('-ERR STLS not available');
          return;
        }
        session.reply(`+OK Begin TLS negotiation${options.injectAfterStartTls ? '\r\n+OK injected' : ''}`);
        session.upgrade();
        return;
      case 'USER':
        users.set(session, line.slice(5));
        options.onLogin?.(line.slice(5));
        session.reply('+OK send PASS');
        return;
      case 'PASS': {
        const user = users.get(session);
        if (session.secure && user !== undefined && accepts(options.account, user, line.slice(5))) {
          session.reply('+OK maildrop ready');
        } else {
          session.reply('-ERR [AUTH] invalid login');
        }
        return;
      }
      case 'QUIT':
        session.reply('+OK bye');
        session.end();
        return;
      default:
        session.reply('-ERR unknown command');
    }
  });
  const port = await listen(server);
  return { port, close: () => closed(server) };
}

/**
 * An SMTP server (`smtp-server`) that refuses every login and every message; with `refuse`, it
 * greets every connection with a 554 saying so and closes it.
 */
export async function startSmtpServer(
  options: {
    tls?: MailServerTls;
    banner?: string;
    refuse?: string;
    account?: MailAccount;
    /** The AUTH mechanisms offered (default PLAIN and LOGIN). */
    authMethods?: string[];
  } = {},
): Promise<MailServer> {
  const server = new SMTPServer({
    ...mailServerTls,
    secure: options.tls === 'implicit',
    hideSTARTTLS: options.tls !== 'starttls',
    ...(options.authMethods ? { authMethods: options.authMethods } : {}),
    // AUTH is offered over TLS only (smtp-server's default).
    onAuth(auth, _session, callback) {
      if (accepts(options.account, auth.username ?? '', auth.password ?? ''))
        callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    ...(options.banner ? { banner: options.banner } : {}),
    logger: false,
    onConnect(_session, callback) {
      callback(options.refuse ? new Error(options.refuse) : null);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.once('end', () => callback(new Error('this server takes no mail')));
    },
  });
  server.on('error', () => {});
  const port = await listen(server);
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A server that accepts connections and never says anything (a check of it times out). */
export async function startSilentServer(): Promise<MailServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    socket.on('error', () => {});
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closed(server);
    },
  };
}
