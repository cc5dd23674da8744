import {
  type CreateMonitor,
  changedFields,
  createMonitorSchema,
  DomainError,
  type FieldChange,
  type MonitorEntry,
  maskSecrets,
  type ResourceKind,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';
import type { ActorContext } from '../../context';
import { apiErrors } from '../../errors';
import { zodFieldProblems } from '../../http/field-problems';
import { configFromInput, openStoredConfig } from '../monitors';
import type { LiveMonitor } from './live';
import type { Match } from './match';

/** A validation error or conflict of one entry, its paths under the entry's place in the document. */
export function underEntry<T>(kind: ResourceKind, index: number, run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    if (error instanceof DomainError && (error.code === 'validation' || error.code === 'conflict')) {
      const errors = error.errors.map((p) => ({ ...p, path: `${kind}.${index}.${p.path}` }));
      throw new DomainError(error.code, `${kind} entry ${index}: ${error.message}`, errors);
    }
    throw error;
  });
}

/** The `CreateMonitor` an entry stands for, with channel ids in place of keys. */
export function monitorInput(entry: MonitorEntry, channelIds: string[] | undefined): CreateMonitor {
  const {
    key: _key,
    channels: _channels,
    group: _group,
    escalationPolicy: _policy,
    dependsOn: _dependsOn,
    ...fields
  } = entry;
  const parsed = createMonitorSchema.safeParse({ ...fields, ...(channelIds ? { channelIds } : {}) });
  if (!parsed.success) throw apiErrors.invalid('monitor', zodFieldProblems(parsed.error.issues));
  return parsed.data;
}

/** A monitor's group, escalation policy and parents as a file names them: by key, parents sorted. */
export function monitorLinks(entry: MonitorEntry) {
  return {
    group: entry.group ?? null,
    escalationPolicy: entry.escalationPolicy ?? null,
    dependsOn: {
      monitors: [...(entry.dependsOn?.monitors ?? [])].sort(),
      groups: [...(entry.dependsOn?.groups ?? [])].sort(),
    },
  };
}

function liveLinks(live: LiveMonitor, keyOf: (kind: ResourceKind) => (id: string) => string) {
  return {
    group: live.groupId ? keyOf('groups')(live.groupId) : null,
    escalationPolicy: live.escalationPolicyId ? keyOf('escalationPolicies')(live.escalationPolicyId) : null,
    dependsOn: {
      monitors: live.dependsOn.monitorIds.map(keyOf('monitors')).sort(),
      groups: live.dependsOn.groupIds.map(keyOf('groups')).sort(),
    },
  };
}

export async function planMonitor(
  ctx: ActorContext,
  m: Match<MonitorEntry, LiveMonitor>,
  keyOf: (kind: ResourceKind) => (id: string) => string,
): Promise<{ config: StoredMonitorConfig; fields: FieldChange[] }> {
  const { entry, live } = m;
  const config = await underEntry('monitors', m.index, () =>
    configFromInput(ctx, monitorInput(entry, undefined), live?.stored),
  );
  if (!live) return { config, fields: [] };
  if (live.stored.config.type !== entry.type) {
    throw new DomainError('validation', "a monitor's type cannot change", [
      {
        path: `monitors.${m.index}.type`,
        message: `the live monitor is ${live.stored.config.type}; give the new one another key`,
      },
    ]);
  }
  const current = openStoredConfig(ctx, live.stored);
  const links = (list: string[]) => [...list].sort();
  const before: Record<string, unknown> = { ...current };
  const after: Record<string, unknown> = { ...config };
  const shownBefore: Record<string, unknown> = { ...maskSecrets(current) };
  const shownAfter: Record<string, unknown> = { ...maskSecrets(config) };
  Object.assign(before, liveLinks(live, keyOf));
  Object.assign(shownBefore, liveLinks(live, keyOf));
  Object.assign(after, monitorLinks(entry));
  Object.assign(shownAfter, monitorLinks(entry));
  if (entry.channels) {
    before.channels = shownBefore.channels = links(live.channelIds.map(keyOf('channels')));
    after.channels = shownAfter.channels = links(entry.channels);
  }
  return { config, fields: changedFields(before, after, { before: shownBefore, after: shownAfter }) };
}
