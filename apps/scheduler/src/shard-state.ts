import type { ScheduledMonitor } from './monitor-source';

/** A monitor of an owned shard and how far its slots are already enqueued. */
export interface ShardEntry {
  monitor: ScheduledMonitor;
  enqueuedThroughMs: number;
  /**
   * The monitor's first slot after `enqueuedThroughMs`, once known: a tick skips the monitor until
   * it comes within the lookahead. Unset whenever the monitor or its progress changes otherwise.
   */
  nextSlotMs?: number;
}

export interface ShardState {
  shard: number;
  /** Every entry is enqueued at least this far; persisted in Redis after each tick. */
  watermarkMs: number;
  entries: Map<string, ShardEntry>;
}

/**
 * A newly leased shard. Its monitors resume from the shard's watermark, where the previous owner
 * stopped; a monitor created after the watermark (or a shard never scheduled) starts after now.
 */
export function newShardState(
  shard: number,
  watermarkMs: number | null,
  monitors: ScheduledMonitor[],
  nowMs: number,
): ShardState {
  const entries = new Map(
    monitors.map((monitor) => {
      const resumeFrom = watermarkMs === null || monitor.createdAtMs > watermarkMs ? nowMs : watermarkMs;
      return [monitor.id, { monitor, enqueuedThroughMs: resumeFrom }];
    }),
  );
  return { shard, watermarkMs: watermarkMs ?? nowMs, entries };
}

/** Replaces a shard's monitors with a fresh load; known monitors keep their progress. */
export function refreshShardState(state: ShardState, monitors: ScheduledMonitor[], nowMs: number): void {
  const previous = state.entries;
  state.entries = new Map(
    monitors.map((monitor): [string, ShardEntry] => {
      const known = previous.get(monitor.id);
      if (!known) return [monitor.id, { monitor, enqueuedThroughMs: nowMs }];
      // The next slot depends on the interval alone (and the id): it stays valid while that does.
      const sameSlots =
        known.monitor.intervalSeconds === monitor.intervalSeconds && known.nextSlotMs !== undefined;
      return [
        monitor.id,
        {
          monitor,
          enqueuedThroughMs: known.enqueuedThroughMs,
          ...(sameSlots ? { nextSlotMs: known.nextSlotMs } : {}),
        },
      ];
    }),
  );
}

/**
 * Brings a shard up to date from a resync that read only what changed: monitors no longer active
 * (`activeIds`) leave, `changed` ones are replaced (keeping their progress) or join.
 */
export function reconcileShardState(
  state: ShardState,
  activeIds: ReadonlySet<string>,
  changed: ScheduledMonitor[],
  nowMs: number,
): void {
  for (const id of state.entries.keys()) {
    if (!activeIds.has(id)) state.entries.delete(id);
  }
  for (const monitor of changed) {
    const known = state.entries.get(monitor.id);
    if (!known) {
      state.entries.set(monitor.id, { monitor, enqueuedThroughMs: nowMs });
      continue;
    }
    if (known.monitor.intervalSeconds !== monitor.intervalSeconds) delete known.nextSlotMs;
    known.monitor = monitor;
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
    if (existing?.monitor.orgId === change.orgId) state.entries.delete(change.monitorId);
  } else if (existing) {
    existing.monitor = monitor;
    delete existing.nextSlotMs;
  } else {
    state.entries.set(monitor.id, { monitor, enqueuedThroughMs: nowMs });
  }
}

/**
 * Moves a shard back to `storedWatermarkMs`, behind what this instance enqueued: a Redis restarted
 * from its append-only file lost its last writes, jobs and watermark alike. Slots after it are then
 * planned again (a job still queued is deduplicated by its id).
 */
export function rewindShardState(state: ShardState, storedWatermarkMs: number): void {
  if (storedWatermarkMs >= state.watermarkMs) return;
  state.watermarkMs = storedWatermarkMs;
  for (const entry of state.entries.values()) {
    entry.enqueuedThroughMs = Math.min(entry.enqueuedThroughMs, storedWatermarkMs);
    delete entry.nextSlotMs;
  }
}
