import { readFileSync } from 'node:fs';
import * as core from '@sentinelmesh/core';
import { channelTypes, createMonitorSchema, isChannelTypeName } from '@sentinelmesh/core';
import { expect } from 'vitest';
import {
  envVarsToSet,
  type ImportedDocument,
  type ImportResult,
  type MonitorEntry,
  type UnmappedItem,
} from '../../src/import';

export const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

/** POST /v1/monitors's verdict on a file entry, with its channel keys standing in for ids. */
export function createBody(entry: MonitorEntry) {
  const { key: _key, channels, ...body } = entry;
  return createMonitorSchema.safeParse({ ...body, channelIds: channels.map((key) => `id-of-${key}`) });
}

/** Every monitor of the document passes the core create schema, and links only channels it declares. */
export function expectApplicable(document: ImportedDocument) {
  const channelKeys = new Set(document.channels.map((c) => c.key));
  for (const monitor of document.monitors) {
    const parsed = createBody(monitor);
    expect(parsed.success, `${monitor.key}: ${parsed.error?.message}`).toBe(true);
    for (const key of monitor.channels) expect(channelKeys.has(key), `${monitor.key} -> ${key}`).toBe(true);
  }
  for (const channel of document.channels) {
    expect(isChannelTypeName(channel.type), channel.type).toBe(true);
  }
  const keys = document.monitors.map((m) => m.key);
  expect(new Set(keys).size).toBe(keys.length);
  // The whole-file schema, once the package that defines it is part of core.
  const fileSchema = (core as Record<string, unknown>).sentinelFileSchema as
    | { safeParse(value: unknown): { success: boolean; error?: { message: string } } }
    | undefined;
  if (fileSchema) {
    const parsed = fileSchema.safeParse(document);
    expect(parsed.success, parsed.error?.message).toBe(true);
  }
}

/** The report's entries about one item, without the source. */
export const entriesFor = (report: UnmappedItem[], item: string) =>
  report.filter((entry) => entry.item === item).map(({ source: _s, item: _i, ...rest }) => rest);

export const monitorByKey = (document: ImportedDocument, key: string) => {
  const monitor = document.monitors.find((m) => m.key === key);
  if (!monitor) throw new Error(`no monitor ${key}; have ${document.monitors.map((m) => m.key).join(', ')}`);
  return monitor;
};

/** The channel types that are registered in this build. */
export const registered = (type: string) => Object.hasOwn(channelTypes, type);

/** None of the source's secrets reaches the file or the report; the report names the variables to set. */
export function expectSecretsKept(result: ImportResult, secrets: string[], variables: string[]) {
  const written = JSON.stringify(result.document);
  for (const secret of secrets) expect(written).not.toContain(secret);
  expect(JSON.stringify(result.report)).not.toMatch(new RegExp(secrets.join('|')));
  expect(envVarsToSet(result.report)).toEqual(expect.arrayContaining(variables));
}
