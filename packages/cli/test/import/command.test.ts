import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/main';

const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentinelmesh-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI as a person would, collecting what it prints. */
async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await run(argv, { env, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('sentinelmesh import', () => {
  it.each([
    ['kuma', 'kuma-backup.json'],
    ['gatus', 'gatus-config.yaml'],
  ])(
    'translates a %s file into a sentinelmesh.yaml that validates once its variables are set',
    async (source, file) => {
      const output = path.join(dir, `${source}.yaml`);
      const imported = await cli(['import', source, path.join(fixtures, file), '-o', output, '--json']);
      expect(imported.code, imported.err).toBe(0);
      const answer = JSON.parse(imported.out) as { file: string; report: Array<{ env?: string }> };
      expect(answer.file).toBe(output);
      expect(answer.report.length).toBeGreaterThan(0);
      const variables = answer.report.flatMap((entry) => (entry.env ? [entry.env] : []));
      expect(variables.length).toBeGreaterThan(0);
      const text = await readFile(output, 'utf8');
      for (const name of variables) expect(text).toContain(`\${${name}}`);

      const unset = await cli(['validate', '-f', output]);
      expect(unset.code).toBe(1);
      expect(unset.err).toContain(`the environment variable ${variables[0]} is not set`);
      const env = Object.fromEntries(variables.map((name) => [name, `value-of-${name}`]));
      const valid = await cli(['validate', '-f', output], env);
      expect(valid.code, valid.err).toBe(0);
    },
  );

  it('prints the file and the report when no output is named, and refuses a file that is not its format', async () => {
    const printed = await cli(['import', 'gatus', path.join(fixtures, 'gatus-config.yaml')]);
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(/^# Imported from Gatus\./);
    expect(printed.err).toContain('secret kept out of the file');
    const wrong = await cli(['import', 'kuma', path.join(fixtures, 'gatus-config.yaml')]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/is not JSON/);
    const unknown = await cli(['import', 'nagios', 'x.cfg']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('import wants a source (kuma or gatus) and a file');
  });
});
