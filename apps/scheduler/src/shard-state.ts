import { slotAtOrBefore } from '@sentinelmesh/core';
import type { ScheduledMonitor } from './monitor-source';

/** Width of one bucket of the timing wheel: monitors whose next slot falls in the same second share one. */
export const BUCKET_MS = 1000;

/** A monitor of an owned shard and how far its slots are already enqueued. */
export interface ShardEntry {
  monitor: ScheduledMonitor;
  /**
   * Slots up to and including this instant are enqueued, as of the last time this entry was
   * planned, added or rewound; a tick that finds nothing due for it does not touch it, so read the
   * progress with `enqueuedThrough`.
   */
  enqueuedThroughMs: number;
  /** The monitor's first slot not enqueued yet: the entry waits in the wheel's bucket of this time. */
  nextSlotMs: number;
  /** Key of the wheel bucket holding the entry, and its place in it (removal is a swap with the last). */
  bucket: number;
  index: number;
  /** Added since the shard's last committed tick: its progress is its own, not the shard's. */
  joined: boolean;
  /** The last id scan of a resync that found the monitor still active. */
  seen: number;
}

export interface ShardState {
  shard: number;
  /** Every entry is enqueued at least this far; persisted in Redis after each tick. */
  watermarkMs: number;
  entries: Map<string, ShardEntry>;
  /**
   * The timing wheel: entries by the second of their next slot, so a tick touches only the
   * monitors due in its window. Every bucket below `cursor` is empty.
   */
  buckets: Map<number, ShardEntry[]>;
  cursor: number;
  /** Entries added since the last committed tick. */
  joined: ShardEntry[];
}

const bucketOf = (ms: number) => Math.floor(ms / BUCKET_MS);

/** The first slot of a monitor after `throughMs`. */
function slotAfter(monitor: ScheduledMonitor, throughMs: number): number {
  return slotAtOrBefore(monitor.id, monitor.intervalSeconds, throughMs) + monitor.intervalSeconds * 1000;
}

function wheelAdd(state: ShardState, entry: ShardEntry): void {
  const key = Math.max(bucketOf(entry.nextSlotMs), state.cursor);
  let bucket = state.buckets.get(key);
  if (!bucket) {
    bucket = [];
    state.buckets.set(key, bucket);
  }
  entry.bucket = key;
  entry.index = bucket.length;
  bucket.push(entry);
}

function wheelRemove(state: ShardState, entry: ShardEntry): void {
  const bucket = state.buckets.get(entry.bucket);
  if (!bucket || bucket[entry.index] !== entry) return;
  const last = bucket.pop() as ShardEntry;
  if (last !== entry) {
    bucket[entry.index] = last;
    last.index = entry.index;
  }
  if (bucket.length === 0) state.buckets.delete(entry.bucket);
}

/** How far the entry's slots are enqueued: entries a tick found nothing due for are as far as the shard. */
export function enqueuedThrough(state: ShardState, entry: ShardEntry): number {
  return entry.joined ? entry.enqueuedThroughMs : Math.max(entry.enqueuedThroughMs, state.watermarkMs);
}

/** Files the entry under its first slot after `throughMs`. */
function place(state: ShardState, entry: ShardEntry, throughMs: number): void {
  wheelRemove(state, entry);
  entry.enqueuedThroughMs = throughMs;
  entry.nextSlotMs = slotAfter(entry.monitor, throughMs);
  wheelAdd(state, entry);
}

function newEntry(monitor: ScheduledMonitor): ShardEntry {
  return { monitor, enqueuedThroughMs: 0, nextSlotMs: 0, bucket: 0, index: -1, joined: false, seen: 0 };
}

/** Adds a monitor new to the shard: its first slot after now is its first to run. */
function join(state: ShardState, monitor: ScheduledMonitor, nowMs: number): void {
  const entry = newEntry(monitor);
  entry.joined = true;
  state.joined.push(entry);
  state.entries.set(monitor.id, entry);
  place(state, entry, nowMs);
}

function leave(state: ShardState, entry: ShardEntry): void {
  wheelRemove(state, entry);
  state.entries.delete(entry.monitor.id);
}

/** Gives a known entry its monitor as it is now, keeping its progress. */
function replace(state: ShardState, entry: ShardEntry, monitor: ScheduledMonitor): void {
  const sameSlots = entry.monitor.intervalSeconds === monitor.intervalSeconds;
  const throughMs = enqueuedThrough(state, entry);
  entry.monitor = monitor;
  // The next slot depends on the interval alone (and the id): it stays valid while that does.
  if (!sameSlots) place(state, entry, throughMs);
}

/**
 * A newly leased shard. Its monitors resume from the shard's watermark, where the previous owner
 * stopped; a monitor created after the watermark (or a shard never scheduled) starts after now.
 */
export function newShardState(
  shard: number,
  watermarkMs: number | null,
  monitors: readonly ScheduledMonitor[],
  nowMs: number,
): ShardState {
  const state: ShardState = {
    shard,
    watermarkMs: watermarkMs ?? nowMs,
    entries: new Map(),
    buckets: new Map(),
    cursor: Number.NEGATIVE_INFINITY,
    joined: [],
  };
  for (const monitor of monitors) {
    const resumeFrom = watermarkMs === null || monitor.createdAtMs > watermarkMs ? nowMs : watermarkMs;
    const entry = newEntry(monitor);
    state.entries.set(monitor.id, entry);
    place(state, entry, resumeFrom);
  }
  return state;
}

/** Replaces a shard's monitors with a fresh load; known monitors keep their progress. */
export function refreshShardState(
  state: ShardState,
  monitors: readonly ScheduledMonitor[],
  nowMs: number,
): void {
  const fresh = new Set<string>();
  for (const monitor of monitors) {
    fresh.add(monitor.id);
    const known = state.entries.get(monitor.id);
    if (known) replace(state, known, monitor);
    else join(state, monitor, nowMs);
  }
  for (const entry of [...state.entries.values()]) {
    if (!fresh.has(entry.monitor.id)) leave(state, entry);
  }
}

/**
 * Brings a shard up to date from a resync that read only what changed: monitors no longer active
 * (not `isActive`) leave, `changed` ones are replaced (keeping their progress) or join.
 */
export function reconcileShardState(
  state: ShardState,
  isActive: (entry: ShardEntry) => boolean,
  changed: readonly ScheduledMonitor[],
  nowMs: number,
): void {
  for (const entry of [...state.entries.values()]) {
    if (!isActive(entry)) leave(state, entry);
  }
  for (const monitor of changed) {
    const known = state.entries.get(monitor.id);
    if (known) replace(state, known, monitor);
    else join(state, monitor, nowMs);
  }
}

/**
 * Applies one monitor as it is now (null: deleted, paused or gone). A monitor new to the shard
 * starts with its first slot after now: there is nothing of it to catch up.
 */
export function applyMonitorChange(
  state: ShardState,
  change: { orgId: string; monitorId: string },
  monitor: ScheduledMonitor | null,
  nowMs: number,
): void {
  const existing = state.entries.get(change.monitorId);
  if (!monitor) {
    if (existing?.monitor.orgId === change.orgId) leave(state, existing);
  } else if (existing) {
    replace(state, existing, monitor);
  } else {
    join(state, monitor, nowMs);
  }
}

/**
 * The entries with a slot due at or before `untilMs` (and not enqueued yet): those of the wheel's
 * buckets up to that second, without looking at any other monitor of the shard.
 */
export function dueEntries(state: ShardState, untilMs: number): ShardEntry[] {
  const last = bucketOf(untilMs);
  const due: ShardEntry[] = [];
  const take = (bucket: readonly ShardEntry[]) => {
    for (const entry of bucket) if (entry.nextSlotMs <= untilMs) due.push(entry);
  };
  if (last - state.cursor > state.buckets.size) {
    // Far behind (a shard resumed from an old watermark): visit the buckets there are, not every second.
    for (const [key, bucket] of state.buckets) if (key <= last) take(bucket);
  } else {
    for (let key = state.cursor; key <= last; key++) {
      const bucket = state.buckets.get(key);
      if (bucket) take(bucket);
    }
  }
  return due;
}

/**
 * Records a committed tick: every entry is enqueued through `untilMs`; the planned ones move to the
 * bucket of `nextSlots` (their first slot after it), the rest stay where they are.
 */
export function commitShardProgress(
  state: ShardState,
  untilMs: number,
  nextSlots: ReadonlyMap<ShardEntry, number>,
): void {
  state.watermarkMs = Math.max(state.watermarkMs, untilMs);
  for (const entry of state.joined) {
    entry.joined = false;
    entry.enqueuedThroughMs = Math.max(entry.enqueuedThroughMs, untilMs);
  }
  state.joined = [];
  state.cursor = Math.max(state.cursor, bucketOf(untilMs));
  for (const [entry, next] of nextSlots) {
    if (state.entries.get(entry.monitor.id) !== entry) continue;
    wheelRemove(state, entry);
    entry.enqueuedThroughMs = Math.max(entry.enqueuedThroughMs, untilMs);
    entry.nextSlotMs = next;
    wheelAdd(state, entry);
  }
}

/**
 * Moves a shard back to `storedWatermarkMs`, behind what this instance enqueued: a Redis restarted
 * from its append-only file lost its last writes, jobs and watermark alike. Slots after it are then
 * planned again (a job still queued is deduplicated by its id).
 */
export function rewindShardState(state: ShardState, storedWatermarkMs: number): void {
  if (storedWatermarkMs >= state.watermarkMs) return;
  const entries = [...state.entries.values()];
  const through = entries.map((entry) => Math.min(enqueuedThrough(state, entry), storedWatermarkMs));
  state.watermarkMs = storedWatermarkMs;
  state.buckets.clear();
  state.cursor = Number.NEGATIVE_INFINITY;
  for (const [i, entry] of entries.entries()) {
    entry.index = -1;
    place(state, entry, through[i] as number);
  }
}
