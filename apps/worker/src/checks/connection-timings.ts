import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { BlockedTargetError, classifyAddress, guardedLookup } from '@sentinelmesh/platform';
import { buildConnector } from 'undici';

type BaseConnector = (options: buildConnector.Options, callback: buildConnector.Callback) => Socket;

// Shared by every check: building one per check costs a third of the check path. No TLS session
// is cached, so each check does a full handshake and its tlsMs stays honest. The check's own
// timeout (its abort signal) bounds connecting; this one is only a backstop.
const baseConnector = (allowPrivate: boolean) =>
  buildConnector({
    timeout: 120_000,
    maxCachedSessions: 0,
    lookup: guardedLookup({ allowPrivate }),
  }) as unknown as BaseConnector;
const permissive = baseConnector(true);
const guarded = baseConnector(false);

/**
 * A connector for one check's own dispatcher. Every socket it opens (a redirect to another origin
 * opens a new one) goes through the target guard: the host is resolved once, refused when not
 * public (unless allowed), and the socket dials exactly the checked address while TLS still
 * verifies the host name. It times the phases of the latest socket and reads the certificate expiry.
 */
export class ConnectionTimings {
  dnsMs: number | null = null;
  connectMs: number | null = null;
  tlsMs: number | null = null;
  /** performance.now() when the latest socket was ready for the request. */
  readyAt: number | null = null;
  certExpiresAt: Date | null = null;
  private readonly base: BaseConnector;

  constructor(private readonly allowPrivate: boolean) {
    this.base = allowPrivate ? permissive : guarded;
  }

  connector(): buildConnector.connector {
    return (options, callback) => {
      const started = performance.now();
      let connectedAt: number | null = null;
      // Literals are not looked up, so the guard judges them here (URLs have normalised their spelling).
      const literal = classifyAddress(options.hostname);
      if (literal && !literal.public && !this.allowPrivate) {
        callback(new BlockedTargetError(options.hostname, literal.address, literal.range), null);
        return;
      }
      this.dnsMs = literal ? 0 : null;
      this.connectMs = null;
      this.tlsMs = null;
      this.readyAt = null;
      const socket = this.base(options, callback);
      socket.once('lookup', () => {
        this.dnsMs = performance.now() - started;
      });
      socket.once('connect', () => {
        connectedAt = performance.now();
        this.connectMs = connectedAt - started - (this.dnsMs ?? 0);
        if (options.protocol !== 'https:') this.readyAt = connectedAt;
      });
      socket.once('secureConnect', () => {
        const now = performance.now();
        this.readyAt = now;
        this.tlsMs = connectedAt === null ? null : now - connectedAt;
        const validTo = (socket as TLSSocket).getPeerCertificate?.()?.valid_to;
        const expires = validTo ? new Date(validTo) : null;
        this.certExpiresAt = expires && !Number.isNaN(expires.getTime()) ? expires : null;
      });
    };
  }
}
