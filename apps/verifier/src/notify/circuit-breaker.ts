export interface BreakerOptions {
  /** Consecutive retryable failures that open the breaker. */
  failureThreshold?: number;
  /** How long an open breaker holds deliveries back before one trial goes through. */
  cooldownMs?: number;
  clock?: () => number;
}

interface ChannelCircuit {
  failures: number;
  /** While set and in the future, deliveries wait; when past, one trial may go (half-open). */
  openUntil: number | null;
}

/**
 * A per-channel circuit breaker (per notifier process): after repeated failures a receiver that is
 * down gets a rest instead of every alert's retries, then one trial delivery decides whether it
 * closes again. Deliveries held back are postponed, not failed, so they use up no attempts.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, ChannelCircuit>();
  /** Until when a receiver asked not to be called again (a rate limit's retry-after), per channel. */
  private readonly holds = new Map<string, number>();
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly clock: () => number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Milliseconds a delivery to this channel must wait; 0 means go (and, when half-open, be the trial). */
  waitMs(channelId: string): number {
    const now = this.clock();
    const heldUntil = this.holds.get(channelId);
    if (heldUntil !== undefined) {
      if (now < heldUntil) return heldUntil - now;
      this.holds.delete(channelId);
    }
    const circuit = this.circuits.get(channelId);
    if (!circuit?.openUntil) return 0;
    if (now < circuit.openUntil) return circuit.openUntil - now;
    // Half-open: this caller is the trial; the others wait for its outcome.
    circuit.openUntil = now + this.cooldownMs;
    return 0;
  }

  /** Records an outcome; returns true when this failure opened the breaker. */
  record(channelId: string, ok: boolean): boolean {
    if (ok) {
      this.circuits.delete(channelId);
      return false;
    }
    const circuit = this.circuits.get(channelId) ?? { failures: 0, openUntil: null };
    circuit.failures += 1;
    this.circuits.set(channelId, circuit);
    if (circuit.failures < this.threshold) return false;
    const wasClosed = circuit.openUntil === null;
    circuit.openUntil = this.clock() + this.cooldownMs;
    return wasClosed;
  }

  /** Holds deliveries to this channel back for `ms`, as its receiver asked (a rate limit). */
  holdOff(channelId: string, ms: number): void {
    const until = this.clock() + ms;
    if (until > (this.holds.get(channelId) ?? 0)) this.holds.set(channelId, until);
  }

  isOpen(channelId: string): boolean {
    return (this.circuits.get(channelId)?.openUntil ?? null) !== null;
  }
}
