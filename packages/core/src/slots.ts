/** Stable 32-bit FNV-1a hash of a string. */
export function fnv1a(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The monitor's phase in milliseconds: spreads monitors of one interval evenly over it. */
export function phaseMs(monitorId: string, intervalSeconds: number): number {
  return fnv1a(monitorId) % (intervalSeconds * 1000);
}

/** Slot times (epoch ms) with from <= t < to for a monitor, in ascending order. */
export function slotsBetween(
  monitorId: string,
  intervalSeconds: number,
  fromMs: number,
  toMs: number,
): number[] {
  const period = intervalSeconds * 1000;
  const phase = phaseMs(monitorId, intervalSeconds);
  const first = Math.ceil((fromMs - phase) / period) * period + phase;
  const slots: number[] = [];
  for (let t = first; t < toMs; t += period) slots.push(t);
  return slots;
}

/** The latest slot time at or before `atMs`. */
export function slotAtOrBefore(monitorId: string, intervalSeconds: number, atMs: number): number {
  const period = intervalSeconds * 1000;
  const phase = phaseMs(monitorId, intervalSeconds);
  return Math.floor((atMs - phase) / period) * period + phase;
}

/** BullMQ job id of a scheduled check (BullMQ ids must not contain ':'). */
export function checkJobId(monitorId: string, slotMs: number, region: string): string {
  return `chk-${monitorId}-${slotMs}-${region}`;
}

/** BullMQ job id of a confirmation re-check, keyed by its triggering slot and attempt. */
export function confirmationJobId(
  monitorId: string,
  slotMs: number,
  attempt: number,
  region: string,
): string {
  return `cnf-${monitorId}-${slotMs}-${attempt}-${region}`;
}

/** Planned time of a confirmation: it stands in the result table under this scheduled time. */
export function confirmationScheduledAt(
  slotMs: number,
  attempt: number,
  retryIntervalSeconds: number,
): number {
  return slotMs + attempt * retryIntervalSeconds * 1000;
}

/** Shard of a monitor (0 <= shard < shards). */
export function shardOf(monitorId: string, shards: number): number {
  return fnv1a(`shard:${monitorId}`) % shards;
}
