import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileJsonSchema, JSON_SCHEMA_PATH } from '../src/file/json-schema';
import { loadSentinelFile } from '../src/file/load';

describe('the published JSON Schema', () => {
  it('is the one the core schemas generate (run `pnpm schema:file` after changing them)', async () => {
    const published = await readFile(
      fileURLToPath(new URL(`../../../${JSON_SCHEMA_PATH}`, import.meta.url)),
      'utf8',
    );
    expect(published).toBe(fileJsonSchema());
  });

  it('offers every check type and channel type to editors', () => {
    const schema = JSON.parse(fileJsonSchema());
    const text = JSON.stringify(schema);
    for (const type of ['http', 'tcp', 'dns', 'heartbeat', 'browser', 'postgres'])
      expect(text).toContain(`"const":"${type}"`);
    for (const type of ['slack', 'webhook', 'pagerduty']) expect(text).toContain(`"const":"${type}"`);
  });
});

describe('a file with the id fields of an older export', () => {
  it('is refused with, at each field, what to write instead', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'sentinelmesh-file-')), 'old.yaml');
    await writeFile(
      path,
      `version: 1
monitors:
  - key: checkout
    name: Checkout
    type: tcp
    host: db.example.com
    port: 5432
    groupId: 0b5c2d5e-1111-4111-8111-111111111111
    escalationPolicyId: null
    channelIds: []
    dependsOn:
      monitorIds: [x]
      groupIds: []
    colour: blue
statusPages:
  - key: public
    slug: acme
    title: Acme
    components:
      - name: Shop
        monitorIds: [checkout]
`,
    );
    const loaded = await loadSentinelFile(path, {});
    expect(loaded.ok).toBe(false);
    const problems = loaded.ok ? [] : loaded.problems;
    const at = (line: number, where: string, message: string) => ({ file: path, line, path: where, message });
    expect(problems).toEqual(
      expect.arrayContaining([
        at(8, 'monitors.0.groupId', '`groupId` is no longer read: name the group by its key in `group`'),
        at(
          9,
          'monitors.0.escalationPolicyId',
          '`escalationPolicyId` is no longer read: name the escalation policy by its key in `escalationPolicy`',
        ),
        at(
          10,
          'monitors.0.channelIds',
          '`channelIds` is no longer read: name the channels by their keys in `channels`',
        ),
        at(
          12,
          'monitors.0.dependsOn.monitorIds',
          '`dependsOn.monitorIds` is no longer read: name the parent monitors by their keys in `dependsOn.monitors`',
        ),
        at(
          13,
          'monitors.0.dependsOn.groupIds',
          '`dependsOn.groupIds` is no longer read: name the parent groups by their keys in `dependsOn.groups`',
        ),
        at(3, 'monitors.0', 'Unrecognized key: "colour"'),
        at(
          21,
          'statusPages.0.components.0.monitorIds',
          '`components.monitorIds` is no longer read: name the monitors by their keys in `monitors`',
        ),
      ]),
    );
  });
});
