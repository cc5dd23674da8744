import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../connection';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

export interface TestDatabase {
  url: string;
  db: Db;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

const suffix = () => randomBytes(6).toString('hex');

/** A fresh database of its own for one test file, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `test_${suffix()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(inject('templateDatabase'))}`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb({ connectionString: url.toString(), max: 5, applicationName: 'sentinelmesh-test' });
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The test run's Redis. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A BullMQ/Redis key prefix of its own, so test files never share queues. */
export function uniqueQueuePrefix(): string {
  return `t${suffix()}`;
}

/** Runs one statement as the test server's superuser (databases, roles). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface EmptyDatabase {
  name: string;
  /** Its URL as the test server's superuser, or as another role. */
  url: (user?: string, password?: string) => string;
  drop: () => Promise<void>;
}

/** A database of its own with nothing in it (not even the migrations), for tests of the migrate step. */
export async function createEmptyDatabase(): Promise<EmptyDatabase> {
  const name = `empty_${suffix()}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return {
    name,
    url: (user, password) => {
      const url = new URL(inject('postgresAdminUrl'));
      url.pathname = `/${name}`;
      if (user) url.username = user;
      if (password !== undefined) url.password = password;
      return url.toString();
    },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}
