import { createDb } from './connection';
import { type AppLogin, appLoginFromUrl, runMigrateStep } from './migrate';

/**
 * The migrate step: `pnpm migrate` from a checkout, `node dist/migrate-cli.js` in an image.
 * DATABASE_URL connects as the schema owner; APP_DATABASE_URL, when set, is the URL the apps use,
 * whose role this step creates (or updates) with least privilege. See docs/operations.md.
 */
function fail(message: string): never {
  console.error(`sentinelmesh migrate: ${message}`);
  process.exit(2);
}

const url = process.env.DATABASE_URL;
if (!url) fail('DATABASE_URL is required');
let appLogin: AppLogin | undefined;
try {
  appLogin = process.env.APP_DATABASE_URL ? appLoginFromUrl(process.env.APP_DATABASE_URL) : undefined;
} catch (error) {
  fail((error as Error).message);
}
const log = (msg: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), name: 'migrate', msg, ...fields })}\n`,
  );

const db = createDb({ connectionString: url, max: 1, applicationName: 'sentinelmesh-migrate' });
try {
  const applied = await runMigrateStep(db, {
    ...(appLogin ? { appLogin } : {}),
    onWaitForLock: () => log('another migrator holds the lock; waiting for it'),
  });
  log(applied.length ? 'migrated' : 'database is up to date', {
    applied,
    ...(appLogin ? { appRole: appLogin.user } : {}),
  });
} catch (error) {
  log('migration failed', { err: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
} finally {
  await db.destroy();
}
