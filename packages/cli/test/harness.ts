import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll } from 'vitest';
import {
  client,
  createTestDatabase,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from '../../../apps/api/test/helpers';
import { run } from '../src/main';

/**
 * A real API on 127.0.0.1 over the test file's own database, and the CLI run against it as a CI job
 * runs it (the API's URL and key in the environment, beside `env`).
 */
export function useCliHarness(env: Record<string, string> = {}) {
  let testDb: TestDatabase;
  let api: TestApi;
  let apiUrl: string;
  let dir: string;
  let files = 0;
  let orgs = 0;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    api = await startApi(testDb);
    apiUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    dir = await mkdtemp(join(tmpdir(), 'sentinelmesh-cli-'));
  });

  afterAll(async () => {
    await api?.app.close();
    await testDb?.drop();
  });

  return {
    api: () => api,
    /** How many organizations were made so far (slugs stay unique per test file). */
    orgs: () => orgs,
    /** A path in the test's folder for a file still to be written. */
    path: (name: string) => join(dir, `${++files}-${name}`),

    /** A new organization with a member API key, as CI would hold it. */
    async organization(name = 'Acme') {
      orgs += 1;
      const owner: Session = await signupUser(api.app, name);
      const as = client(api.app, owner.token);
      const key = (await as.post('/v1/api-keys', { name: 'ci', role: 'member' })).json().key as string;
      return { owner, as, key };
    },

    async yamlFile(text: string): Promise<string> {
      const path = join(dir, `file-${++files}.yaml`);
      await writeFile(path, text);
      return path;
    },

    async cli(key: string, argv: string[], extraEnv: Record<string, string> = {}) {
      let out = '';
      let err = '';
      const code = await run(argv, {
        env: { SENTINELMESH_API_URL: apiUrl, SENTINELMESH_API_KEY: key, ...env, ...extraEnv },
        out: (text) => {
          out += text;
        },
        err: (text) => {
          err += text;
        },
      });
      return { code, out, err, json: () => JSON.parse(out) };
    },
  };
}

/** True when an apply only gave keys to what was there: every change an adoption that changes nothing. */
export const onlyAdoptions = (changes: Array<{ action: string; fields: unknown[] }>) =>
  changes.every((c) => c.action === 'adopt' && c.fields.length === 0);
