import { jobPolicies, verifyJobId } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { Queue } from 'bullmq';
import { insertResult, monitorState } from './fixtures';

/** Whether the target answers well at an instant, as seen from a region. */
export type World = (atMs: number, region: string) => boolean;

export interface ScriptedMonitor {
  orgId: string;
  monitorId: string;
  regions: string[];
  intervalMs: number;
}

export interface ScenarioDeps {
  db: Db;
  verifyQueue: Queue;
  /** Moves the verifiers' clock. */
  setNow(ms: number): void;
}

/** Polls `check` every 10 ms until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function consumedThrough(db: Db, monitorId: string): Promise<number | null> {
  return (await monitorState(db, monitorId)).consumed_through?.getTime() ?? null;
}

/**
 * One check in every region at `atMs`, written as workers write them, each poking the verifier
 * with its own job (so several verifiers may take them at once); waits until it is consumed.
 */
export async function deliverChecks(
  deps: ScenarioDeps,
  m: ScriptedMonitor,
  world: World,
  atMs: number,
  kind: 'scheduled' | 'confirmation',
  attempt: number,
): Promise<void> {
  deps.setNow(atMs + 300);
  for (const region of m.regions) {
    await insertResult(deps.db, m.orgId, m.monitorId, {
      scheduledAtMs: atMs,
      ok: world(atMs, region),
      kind,
      attempt,
      region,
    });
  }
  await deps.verifyQueue.addBulk(
    m.regions.map((region) => ({
      name: 'verify',
      data: { orgId: m.orgId, monitorId: m.monitorId },
      opts: { ...jobPolicies.verify, jobId: verifyJobId(m.monitorId, atMs, region, kind) },
    })),
  );
  await waitFor(
    async () => ((await consumedThrough(deps.db, m.monitorId)) ?? -1) >= atMs,
    10_000,
    `results at ${atMs} to be consumed`,
  );
}

/**
 * Plays `slots` scheduled checks from `fromMs`, and every confirmation the verifier asks for in
 * between, as the scheduler and the workers would, with the world deciding each outcome.
 */
export async function playSlots(
  deps: ScenarioDeps,
  m: ScriptedMonitor,
  world: World,
  fromMs: number,
  slots: number,
): Promise<void> {
  for (let k = 0; k < slots; k++) {
    const slotMs = fromMs + k * m.intervalMs;
    await deliverChecks(deps, m, world, slotMs, 'scheduled', 0);
    for (;;) {
      const awaiting = (await monitorState(deps.db, m.monitorId)).machine.awaiting;
      if (!awaiting || awaiting.scheduledAtMs >= slotMs + m.intervalMs) break;
      await deliverChecks(deps, m, world, awaiting.scheduledAtMs, 'confirmation', awaiting.attempt);
    }
  }
}
