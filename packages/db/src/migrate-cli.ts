import { createDb } from './connection';
import { migrateToLatest } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const db = createDb({ connectionString: url, max: 1, applicationName: 'sentinelmesh-migrate' });
try {
  const applied = await migrateToLatest(db);
  console.warn(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.destroy();
}
