import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileJsonSchema, JSON_SCHEMA_PATH } from '../src/file/json-schema';

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
