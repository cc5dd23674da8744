import { DomainError } from '@sentinelmesh/core';
import { apiErrors } from '../errors';
import { type Counters, CountersUnavailableError, keyPart } from './counters';

/** The rules for failed sign-ins (see docs/adr/0006-client-addresses-and-sign-in-throttling.md). */
export interface FailedLoginRules {
  windowMs: number;
  /** Failures of one client against one account before that client is refused for that account. */
  perAccountAndClient: number;
  /** Failures of one client across all accounts before that client is refused everywhere. */
  perClient: number;
  /**
   * Failures against one account from all clients before the account is "under attack": then only
   * clients with no failure against it may still try. A clean client is never refused by this.
   */
  perAccount: number;
}

export const defaultFailedLoginRules: FailedLoginRules = {
  windowMs: 15 * 60_000,
  perAccountAndClient: 10,
  perClient: 50,
  perAccount: 100,
};

export interface Attempt {
  /** The account named in the request, normalised (a lowercased email). */
  account: string;
  /** The client address (request.ip, after the trusted proxy hop). */
  client: string;
}

const failed = (error: unknown) => error instanceof DomainError && error.code === 'unauthenticated';

/**
 * Throttles failed sign-ins per account and client and per client, never per account alone, so one
 * client's failures cannot lock anyone else out.
 */
export class FailedLogins {
  constructor(
    private readonly counters: Counters,
    private readonly rules: FailedLoginRules = defaultFailedLoginRules,
  ) {}

  private keys({ account, client }: Attempt) {
    const who = keyPart(account);
    return {
      pair: `login-fail:pair:${who}:${client}`,
      client: `login-fail:client:${client}`,
      account: `login-fail:account:${who}`,
    };
  }

  /** Seconds until `attempt` may try again, or 0 when it may try now. */
  async blockedFor(attempt: Attempt): Promise<number> {
    const keys = this.keys(attempt);
    const [pair, client, account] = await Promise.all([
      this.counters.peek(keys.pair),
      this.counters.peek(keys.client),
      this.counters.peek(keys.account),
    ]);
    const blocking = [
      pair.count >= this.rules.perAccountAndClient ? pair : null,
      client.count >= this.rules.perClient ? client : null,
      account.count >= this.rules.perAccount && pair.count > 0 ? pair : null,
    ].filter((c) => c !== null);
    if (blocking.length === 0) return 0;
    return Math.max(1, Math.ceil(Math.max(...blocking.map((c) => c.ttlMs)) / 1000));
  }

  /**
   * Runs `signIn` unless the attempt is throttled; counts it when it fails with bad credentials.
   * Fails closed: when Redis cannot count, a 503 problem, never an unthrottled try.
   */
  async guard<T>(attempt: Attempt, signIn: () => Promise<T>): Promise<T> {
    try {
      return await this.throttled(attempt, signIn);
    } catch (error) {
      throw error instanceof CountersUnavailableError ? apiErrors.authUnavailable() : error;
    }
  }

  private async throttled<T>(attempt: Attempt, signIn: () => Promise<T>): Promise<T> {
    const wait = await this.blockedFor(attempt);
    if (wait > 0) {
      throw apiErrors.tooManyFailedSignIns(wait);
    }
    const keys = this.keys(attempt);
    try {
      const result = await signIn();
      await this.counters.clear(keys.pair).catch(() => undefined);
      return result;
    } catch (error) {
      if (failed(error)) {
        await Promise.all([
          this.counters.hit(keys.pair, this.rules.windowMs),
          this.counters.hit(keys.client, this.rules.windowMs),
          this.counters.hit(keys.account, this.rules.windowMs),
        ]);
      }
      throw error;
    }
  }
}
