import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';

/**
 * A connector for one check's own dispatcher that times the connection phases of the latest
 * socket it opened (a redirect to another origin opens a new one) and reads the server
 * certificate's expiry. The target guard will hook in here too: it decides which address we dial.
 */
export class ConnectionTimings {
  dnsMs: number | null = null;
  connectMs: number | null = null;
  tlsMs: number | null = null;
  certExpiresAt: Date | null = null;

  constructor(private readonly timeoutMs: number) {}

  connector(): buildConnector.connector {
    const base = buildConnector({ timeout: this.timeoutMs }) as unknown as (
      options: buildConnector.Options,
      callback: buildConnector.Callback,
    ) => Socket;
    return (options, callback) => {
      const started = performance.now();
      let connectedAt: number | null = null;
      this.dnsMs = isIP(options.hostname.replace(/^\[|\]$/g, '')) ? 0 : null;
      this.connectMs = null;
      this.tlsMs = null;
      const socket = base(options, callback);
      socket.once('lookup', () => {
        this.dnsMs = performance.now() - started;
      });
      socket.once('connect', () => {
        connectedAt = performance.now();
        this.connectMs = connectedAt - started - (this.dnsMs ?? 0);
      });
      socket.once('secureConnect', () => {
        this.tlsMs = connectedAt === null ? null : performance.now() - connectedAt;
        const validTo = (socket as TLSSocket).getPeerCertificate?.()?.valid_to;
        const expires = validTo ? new Date(validTo) : null;
        this.certExpiresAt = expires && !Number.isNaN(expires.getTime()) ? expires : null;
      });
    };
  }
}
