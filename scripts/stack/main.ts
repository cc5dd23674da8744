import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appLoginFromUrl, createDb, runMigrateStep } from '@sentinelmesh/db';
import { appSpecs } from './apps';
import { loadStackConfig } from './config';
import { localPostgres, localRedis } from './services';
import { Supervisor } from './supervisor';
import { ensureWebBuild } from './web-build';

/**
 * The local stack: Postgres and Redis (unless DATABASE_URL / REDIS_URL point elsewhere), the
 * migrations, and every app, under one supervisor. Ctrl-C stops everything it started.
 */
const startedAt = Date.now();
const write = (line: string) => process.stdout.write(`${line}\n`);
const say = (line: string) => write(`stack     | ${line}`);

const config = loadStackConfig(process.env);
const stateFile = path.join(config.STACK_DATA_DIR, 'stack.json');
const supervisor = new Supervisor({
  write,
  stopTimeoutMs: 20_000,
  onChange: () => {
    const processes = supervisor.list.map((p) => ({
      name: p.spec.name,
      pid: p.child?.pid ?? null,
      restarts: p.restarts,
    }));
    // Written aside then renamed: a reader never sees a half-written file.
    writeFileSync(`${stateFile}.tmp`, `${JSON.stringify({ pid: process.pid, processes }, null, 2)}\n`);
    renameSync(`${stateFile}.tmp`, stateFile);
  },
});

let shuttingDown = false;
async function shutdown(signal: string, code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  say(`${signal}: stopping everything`);
  const hardStop = setTimeout(() => process.exit(1), 29_000);
  hardStop.unref();
  await supervisor.stopAll();
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// A closed terminal: the services run in their own process group and would not hear it themselves.
process.on('SIGHUP', () => void shutdown('SIGHUP'));

try {
  let databaseUrl = config.DATABASE_URL;
  let redisUrl = config.REDIS_URL;
  // A Redis Cluster is the deployment's own: the apps read REDIS_CLUSTER_NODES and no Redis starts here.
  const clusterNodes = config.REDIS_CLUSTER_NODES;
  const services: Promise<unknown>[] = [];
  if (!databaseUrl) {
    const postgres = await localPostgres(config.STACK_DATA_DIR, config.PG_PORT, say);
    services.push(
      supervisor
        .start(postgres.spec, 'SIGINT')
        .then(async () => (databaseUrl = await postgres.databaseUrl())),
    );
  }
  if (!redisUrl && !clusterNodes) {
    const redis = await localRedis(config.STACK_DATA_DIR, config.REDIS_PORT);
    services.push(supervisor.start(redis.spec).then(() => (redisUrl = redis.url)));
  }
  const runsWebBuild =
    config.STACK_RUN === 'source' && config.STACK_APPS.includes('web') && config.WEB_MODE === 'production';
  if (runsWebBuild) services.push(ensureWebBuild(say, write));
  await Promise.all(services);
  if (!databaseUrl || !(redisUrl || clusterNodes)) throw new Error('Postgres or Redis did not start');

  // The migrate step, as in production: before any app starts, which never migrates by itself.
  const db = createDb({ connectionString: databaseUrl, max: 1, applicationName: 'sentinelmesh-migrate' });
  const applied = await runMigrateStep(db, {
    ...(config.APP_DATABASE_URL ? { appLogin: appLoginFromUrl(config.APP_DATABASE_URL) } : {}),
    onWaitForLock: () => say('another migrator holds the lock; waiting for it'),
  }).finally(() => db.destroy());
  say(applied.length ? `database migrated: ${applied.join(', ')}` : 'database is up to date');

  const appDatabaseUrl = config.APP_DATABASE_URL ?? databaseUrl;
  await Promise.all(
    appSpecs(config, { databaseUrl: appDatabaseUrl, redisUrl }).map((spec) => supervisor.start(spec)),
  );

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const web = config.STACK_APPS.includes('web');
  write('');
  write(`  SentinelMesh is running (ready in ${seconds} s).`);
  if (web)
    write(
      `  Dashboard  http://localhost:${config.WEB_PORT}   <- open it and sign up; the first account owns a new organization`,
    );
  write(
    `  API        http://localhost:${config.API_PORT}   (reference: /docs, OpenAPI document: /openapi.json)`,
  );
  write(
    `  Data       ${config.STACK_DATA_DIR}${config.DATABASE_URL ? '' : `  (Postgres on :${config.PG_PORT}`}${config.REDIS_URL || clusterNodes ? '' : `, Redis on :${config.REDIS_PORT})`}`,
  );
  write('  Then: create a monitor for a URL you care about, add a webhook channel, and watch it go UP.');
  write('  Press Ctrl-C to stop everything.');
  write('');
} catch (error) {
  say(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown('error', 1);
}
