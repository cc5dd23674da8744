import { z } from 'zod';
import { type CheckType, defineCheckType } from './check-type';
import {
  databaseAssertions,
  databaseConnectionFields,
  databaseConnectionForm,
  databaseSecrets,
  databaseTarget,
  sqlQuery,
  sqlQueryForm,
} from './database';

/** A Postgres login, and optionally one read-only query whose result the assertions judge. */
export const postgresCheckType = defineCheckType({
  type: 'postgres',
  label: 'PostgreSQL',
  description: 'Logs in to a PostgreSQL server; can run a read-only query and judge its result.',
  fields: {
    ...databaseConnectionFields(5432, 'postgres'),
    database: z.string().trim().min(1).max(63).default('postgres'),
    query: sqlQuery,
  },
  assertions: databaseAssertions,
  secrets: databaseSecrets,
  form: [
    ...databaseConnectionForm(5432, 'postgres', 'db.example.com'),
    { name: 'database', label: 'Database', kind: 'text', initial: 'postgres' },
    sqlQueryForm('SELECT count(*) FROM jobs WHERE failed'),
  ],
  target: (config: { host: string; port: number; database: string }) =>
    databaseTarget('postgres', config.host, config.port, config.database),
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'postgres'>);
