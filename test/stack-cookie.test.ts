import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApiEnv } from '../apps/api/src/env';
import { appSpecs } from '../scripts/stack/apps';
import { loadStackConfig } from '../scripts/stack/config';

const dataDir = mkdtempSync(path.join(tmpdir(), 'sm-stack-cookie-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local launcher', () => {
  it('runs the API with a refresh cookie that http://localhost can send back, even with NODE_ENV=production', () => {
    const config = loadStackConfig({ STACK_DATA_DIR: dataDir, STACK_APPS: 'api' });
    const urls = { databaseUrl: 'postgres://127.0.0.1:1/sm', redisUrl: 'redis://127.0.0.1:1' };
    const api = appSpecs(config, urls).find((spec) => spec.name === 'api');
    expect(api?.env?.COOKIE_SECURE).toBe('false');
    const env = parseApiEnv({ ...(api?.env as Record<string, string>), NODE_ENV: 'production' });
    expect(env.COOKIE_SECURE).toBe(false);
  });
});
