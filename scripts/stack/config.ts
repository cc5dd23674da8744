import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

const appNames = ['api', 'scheduler', 'worker', 'verifier', 'web'] as const;
export type AppName = (typeof appNames)[number];

const schema = z.object({
  STACK_DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  STACK_APPS: z
    .string()
    .default(appNames.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(appNames)).min(1)),
  WEB_MODE: z.enum(['production', 'dev']).default('production'),
  /**
   * `source` runs the TypeScript sources (tsx); `built` runs what `pnpm build` laid out in dist/<app>,
   * as the images do: `node dist/main.js` with NODE_ENV=production, the dashboard's standalone server.
   */
  STACK_RUN: z.enum(['source', 'built']).default('source'),
  /** Extra Node flags for every app process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile. */
  STACK_NODE_ARGS: z
    .string()
    .default('')
    .transform((v) => v.split(/\s+/).filter(Boolean))
    .pipe(z.array(z.string().regex(/^--[a-z][a-z0-9-]*(=\S+)?$/, 'Node flags only, like --cpu-prof'))),
  DATABASE_URL: z.string().url().optional(),
  /** The apps' least-privilege login, created by the migrate step; without it they use DATABASE_URL. */
  APP_DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** `host:port,…` of a Redis Cluster: every app uses it, and the launcher starts no Redis. */
  REDIS_CLUSTER_NODES: z.string().optional(),
  PG_PORT: z.coerce.number().int().min(1).max(65_535).default(54_329),
  REDIS_PORT: z.coerce.number().int().min(1).max(65_535).default(63_790),
  API_PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  WEB_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** Ops ports of the background apps start here; 0 lets each pick a free port. */
  OPS_PORT_BASE: z.coerce.number().int().min(0).max(65_000).default(3010),
  REGIONS: z
    .string()
    .default('local')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/)).min(1)),
  QUEUE_PREFIX: z.string().default('sm'),
  /** Worker processes per region and verifier processes (replicas share the queues), e.g. to check a capacity model. */
  STACK_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
  // Verifiers' ops ports are +3 to +9, below the workers' (+10 on).
  STACK_VERIFIERS: z.coerce.number().int().min(1).max(7).default(1),
});

export type StackConfig = z.infer<typeof schema> & { secrets: StackSecrets };

export interface StackSecrets {
  JWT_SECRET: string;
  SECRETS_KEY: string;
}

/** Secrets are generated on first start and kept in the data folder, so a second run reuses them. */
function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv): StackSecrets {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<StackSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>;
  const secrets: StackSecrets = {
    JWT_SECRET: stored.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    SECRETS_KEY: stored.SECRETS_KEY ?? randomBytes(32).toString('base64'),
  };
  if (!stored.JWT_SECRET || !stored.SECRETS_KEY) {
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    JWT_SECRET: env.JWT_SECRET || secrets.JWT_SECRET,
    SECRETS_KEY: env.SECRETS_KEY || secrets.SECRETS_KEY,
  };
}

export function loadStackConfig(env: NodeJS.ProcessEnv): StackConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  mkdirSync(parsed.data.STACK_DATA_DIR, { recursive: true });
  return { ...parsed.data, secrets: loadSecrets(parsed.data.STACK_DATA_DIR, env) };
}
