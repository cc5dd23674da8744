import {
  type CheckError,
  type DomainRegistration,
  parseRdapBootstrap,
  type RdapBootstrap,
  rdapDomainUrl,
  rdapServerFor,
  readDomainAnswer,
} from '@sentinelmesh/core';
import type { CheckContext } from './context';
import { sendHttpRequest } from './http-request';
import type { Measured } from './outcome';

export const IANA_DNS_BOOTSTRAP = 'https://data.iana.org/rdap/dns.json';
const HOUR_MS = 3_600_000;
const MAX_ANSWER_BYTES = 256 * 1024;
const MAX_BOOTSTRAP_BYTES = 1024 * 1024;
const RDAP_ACCEPT = 'application/rdap+json, application/json;q=0.9';

export interface RdapClientOptions {
  /** The deployment's RDAP server for every domain (a monitor's own still wins); unset: the bootstrap. */
  baseUrl?: string | undefined;
  /** Where IANA's bootstrap file for domains is read. */
  bootstrapUrl?: string;
  /** How long a registration read is reused (default 6 h): an expiry date moves once a year. */
  answerTtlMs?: number;
  /** How long the bootstrap file is reused (default 24 h); a stale one is used while it cannot be read. */
  bootstrapTtlMs?: number;
  /** Registrations kept (default 10,000; least recently used go first). */
  maxAnswers?: number;
  /** Monotonic-enough milliseconds for cache ages (default Date.now). */
  clock?: () => number;
}

/** Which RDAP server a lookup asks: the monitor's own (guarded), or one the deployment chose. */
interface Server {
  baseUrl: string;
  /** The deployment configured it: reached like a DNS check's default resolvers, without the guard. */
  trusted: boolean;
}

export type RdapLookup =
  | {
      registration: DomainRegistration;
      server: string;
      measured: Measured | null;
      /** How old the answer is, in ms (0: read by this lookup). */
      ageMs: number;
    }
  | { error: CheckError; notFound?: true; measured: Measured | null };

/** Looks up domain registrations by RDAP, caching the bootstrap file and the answers. */
export class RdapClient {
  private readonly answers = new Map<
    string,
    { registration: DomainRegistration; server: string; at: number }
  >();
  private bootstrap: { map: RdapBootstrap; at: number } | null = null;
  private bootstrapping: Promise<RdapBootstrap | CheckError> | null = null;
  private readonly clock: () => number;

  constructor(private readonly options: RdapClientOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  /** The domain's registration, from the cache while fresh, else from its RDAP server. */
  async lookup(
    domain: string,
    monitorBaseUrl: string | undefined,
    ctx: Pick<CheckContext, 'allowPrivateTargets' | 'userAgent'>,
    timeoutMs: number,
  ): Promise<RdapLookup> {
    const deadline = this.clock() + timeoutMs;
    const server = await this.serverFor(domain, monitorBaseUrl, ctx, timeoutMs);
    if ('kind' in server) return { error: server, measured: null };
    const guard = server.trusted || ctx.allowPrivateTargets;
    const key = `${guard}|${server.baseUrl}|${domain}`;
    const cached = this.answers.get(key);
    const now = this.clock();
    if (cached && now - cached.at < (this.options.answerTtlMs ?? 6 * HOUR_MS)) {
      this.answers.delete(key);
      this.answers.set(key, cached);
      return {
        registration: cached.registration,
        server: cached.server,
        measured: null,
        ageMs: now - cached.at,
      };
    }
    const url = rdapDomainUrl(server.baseUrl, domain);
    const exchange = await sendHttpRequest(
      {
        url,
        method: 'GET',
        headers: { accept: RDAP_ACCEPT },
        body: null,
        followRedirects: true,
        timeoutMs: Math.max(1, Math.floor(deadline - this.clock())),
      },
      { userAgent: ctx.userAgent, allowPrivateTargets: guard },
      MAX_ANSWER_BYTES,
    );
    if ('error' in exchange) {
      // The request got only what the lookup had left; the person set the whole budget.
      if (exchange.error.kind !== 'timeout') return exchange;
      return {
        ...exchange,
        error: { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` },
      };
    }
    const { measured, body } = exchange.answer;
    const host = new URL(url).host;
    if (measured.statusCode === 404) {
      return {
        error: { kind: 'assertion', message: `${host} has no registration of ${domain} (HTTP 404)` },
        notFound: true,
        measured,
      };
    }
    if (measured.statusCode !== 200) {
      return {
        error: { kind: 'http_status', message: `${host} answered HTTP ${measured.statusCode}` },
        measured,
      };
    }
    const read = readDomainAnswer(parseJson(body));
    if ('problem' in read)
      return { error: { kind: 'protocol', message: `${host}: ${read.problem}` }, measured };
    this.remember(key, { registration: read, server: host, at: this.clock() });
    return { registration: read, server: host, measured, ageMs: 0 };
  }

  private remember(key: string, entry: { registration: DomainRegistration; server: string; at: number }) {
    this.answers.set(key, entry);
    if (this.answers.size > (this.options.maxAnswers ?? 10_000)) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
  }

  private async serverFor(
    domain: string,
    monitorBaseUrl: string | undefined,
    ctx: Pick<CheckContext, 'userAgent'>,
    timeoutMs: number,
  ): Promise<Server | CheckError> {
    if (monitorBaseUrl) return { baseUrl: monitorBaseUrl, trusted: false };
    if (this.options.baseUrl) return { baseUrl: this.options.baseUrl, trusted: true };
    const bootstrap = await this.bootstrapMap(ctx, timeoutMs);
    if (!(bootstrap instanceof Map)) return bootstrap as CheckError;
    const baseUrl = rdapServerFor(bootstrap, domain);
    if (!baseUrl) {
      return { kind: 'protocol', message: `IANA's RDAP bootstrap names no server for ${domain}` };
    }
    // Registries' servers come from IANA's list, not from the monitor: still, they pass the guard.
    return { baseUrl, trusted: false };
  }

  private async bootstrapMap(
    ctx: Pick<CheckContext, 'userAgent'>,
    timeoutMs: number,
  ): Promise<RdapBootstrap | CheckError> {
    const fresh =
      this.bootstrap && this.clock() - this.bootstrap.at < (this.options.bootstrapTtlMs ?? 24 * HOUR_MS);
    if (this.bootstrap && fresh) return this.bootstrap.map;
    // One read at a time, shared by every check that needs it.
    this.bootstrapping ??= this.readBootstrap(ctx, timeoutMs).finally(() => {
      this.bootstrapping = null;
    });
    const read = await this.bootstrapping;
    if (read instanceof Map) return read;
    return this.bootstrap?.map ?? read;
  }

  private async readBootstrap(
    ctx: Pick<CheckContext, 'userAgent'>,
    timeoutMs: number,
  ): Promise<RdapBootstrap | CheckError> {
    const url = this.options.bootstrapUrl ?? IANA_DNS_BOOTSTRAP;
    const exchange = await sendHttpRequest(
      {
        url,
        method: 'GET',
        headers: { accept: 'application/json' },
        body: null,
        followRedirects: true,
        timeoutMs,
      },
      // The bootstrap file's address is the deployment's choice, like its DNS resolvers.
      { userAgent: ctx.userAgent, allowPrivateTargets: true },
      MAX_BOOTSTRAP_BYTES,
    );
    if ('error' in exchange) {
      return { ...exchange.error, message: `RDAP bootstrap: ${exchange.error.message}` };
    }
    const { measured, body } = exchange.answer;
    if (measured.statusCode !== 200) {
      return { kind: 'http_status', message: `RDAP bootstrap: HTTP ${measured.statusCode}` };
    }
    const map = parseRdapBootstrap(parseJson(body));
    if (!map) return { kind: 'protocol', message: 'RDAP bootstrap: not an RFC 9224 bootstrap file' };
    this.bootstrap = { map, at: this.clock() };
    return map;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
