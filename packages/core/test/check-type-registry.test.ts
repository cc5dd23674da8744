import { describe, expect, it } from 'vitest';
import {
  type CheckFormField,
  type CheckSpec,
  checkSpecSchema,
  checkTypes,
  findCheckType,
  monitorTypes,
} from '../src/check-types';
import { checkJobSchema } from '../src/jobs';
import { createMonitorSchema, updateMonitorSchema } from '../src/schemas/monitor';

const types = Object.values(checkTypes);
const base = { id: 'm', orgId: 'o', name: 'x', timeoutMs: 1000, intervalSeconds: 10, assertions: [] };

describe('check type registry', () => {
  it('lists every type under its own name, in the documented order', () => {
    expect(monitorTypes).toEqual([
      'http',
      'tcp',
      'dns',
      'tls',
      'heartbeat',
      'ping',
      'udp',
      'websocket',
      'grpc',
      'smtp',
      'imap',
      'pop3',
      'domain',
      'api',
      'postgres',
      'mysql',
      'redis',
      'browser',
    ]);
    for (const [name, type] of Object.entries(checkTypes)) expect(type.type).toBe(name);
  });

  it('finds a type by name and nothing for an unknown or inherited name', () => {
    expect(findCheckType('dns')?.label).toBe('DNS record');
    expect(findCheckType('gopher')).toBeUndefined();
    expect(findCheckType('toString')).toBeUndefined();
  });

  it.each(types.map((t) => [t.type, t] as const))(
    '%s: every form input fills a field of its type, and its initial value is that field’s default',
    (_name, type) => {
      const defaults = type.input.parse({ type: type.type, name: 'x', ...requiredOf(type.type) });
      const form: readonly CheckFormField[] = type.form;
      for (const field of form) {
        expect(Object.keys(type.fields)).toContain(field.name);
        const fallback = (defaults as Record<string, unknown>)[field.name];
        if (field.initial !== undefined && fallback !== undefined) {
          expect(field.initial).toBe(String(fallback));
        }
      }
    },
  );

  it.each(types.map((t) => [t.type, t] as const))(
    '%s: a monitor without assertions gets its type’s defaults, which its type can judge or ignore',
    (_name, type) => {
      const parsed = createMonitorSchema.parse({ type: type.type, name: 'x', ...requiredOf(type.type) });
      expect(parsed.assertions).toEqual(type.assertions.defaults);
    },
  );

  it('takes every type’s fields in a PATCH without filling in their defaults', () => {
    const patch = updateMonitorSchema.parse({ name: 'renamed' });
    expect(patch).toEqual({ name: 'renamed' });
    for (const type of types) {
      for (const name of Object.keys(type.fields))
        expect(Object.keys(updateMonitorSchema.shape)).toContain(name);
    }
  });
});

/** The fields each type requires, with valid values. */
function requiredOf(type: string): Record<string, unknown> {
  return {
    http: { url: 'https://example.com/' },
    tcp: { host: 'example.com', port: 5432 },
    dns: { host: 'example.com' },
    tls: { host: 'example.com' },
    heartbeat: { periodSeconds: 300 },
    ping: { host: 'example.com' },
    udp: { host: 'example.com', port: 53, payload: 'x' },
    websocket: { url: 'wss://example.com/' },
    grpc: { host: 'example.com', port: 50051 },
    smtp: { host: 'example.com' },
    imap: { host: 'example.com' },
    pop3: { host: 'example.com' },
    domain: { domain: 'example.com' },
    api: { steps: [{ name: 'a', url: 'https://example.com/' }] },
    postgres: { host: 'db.example.com' },
    mysql: { host: 'db.example.com' },
    redis: { host: 'cache.example.com' },
    browser: { script: 'await page.title();' },
  }[type] as Record<string, unknown>;
}

describe('check spec', () => {
  it('is a union by type: a spec missing its type’s target is refused, not run', () => {
    expect(checkSpecSchema.safeParse({ ...base, type: 'tcp', port: 5432 }).success).toBe(false);
    expect(checkSpecSchema.safeParse({ ...base, type: 'tls' }).success).toBe(false);
    expect(checkSpecSchema.safeParse({ ...base, type: 'http' }).success).toBe(false);
    expect(checkSpecSchema.safeParse({ ...base, type: 'heartbeat' }).success).toBe(false);
    expect(checkSpecSchema.safeParse({ ...base, type: 'gopher', host: 'a' }).success).toBe(false);
    expect(checkSpecSchema.safeParse({ ...base, type: 'smtp' }).success).toBe(false);
  });

  it('reads job payloads written before it, with the fields they left out at their defaults', () => {
    const job = (spec: Record<string, unknown>) =>
      checkJobSchema.parse({
        spec: { ...base, ...spec },
        scheduledAtMs: 0,
        region: 'r',
        kind: 'scheduled',
        attempt: 0,
      }).spec;
    expect(job({ type: 'dns', host: 'example.com' })).toMatchObject({ recordType: 'A', expectedValues: [] });
    expect(job({ type: 'tls', host: 'example.com', port: 8443 })).toMatchObject({
      port: 8443,
      minDaysLeft: 14,
    });
    expect(job({ type: 'http', url: 'https://example.com/', secretsVersion: 5 })).toMatchObject({
      method: 'GET',
      headers: {},
      body: null,
      followRedirects: true,
      secretsVersion: 5,
    });
    const tcp: CheckSpec = job({ type: 'tcp', host: 'db', port: 5432 });
    expect(Object.keys(tcp).sort()).toEqual([...Object.keys(base), 'host', 'port', 'type'].sort());
  });

  it('narrows by type, so a check reads its fields without guards', () => {
    const spec: CheckSpec = checkSpecSchema.parse({ ...base, type: 'tls', host: 'example.com' });
    if (spec.type !== 'tls') throw new Error('expected a tls spec');
    const port: number = spec.port;
    expect(port).toBe(443);
  });
});
