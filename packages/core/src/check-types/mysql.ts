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

/** A MySQL or MariaDB login, and optionally one read-only query whose result the assertions judge. */
export const mysqlCheckType = defineCheckType({
  type: 'mysql',
  label: 'MySQL / MariaDB',
  description: 'Logs in to a MySQL or MariaDB server; can run a read-only query and judge its result.',
  fields: {
    ...databaseConnectionFields(3306, 'root'),
    database: z.string().trim().min(1).max(64).optional(),
    query: sqlQuery,
  },
  assertions: databaseAssertions,
  secrets: databaseSecrets,
  form: [
    ...databaseConnectionForm(3306, 'root', 'db.example.com'),
    { name: 'database', label: 'Database (optional)', kind: 'text', optional: true },
    sqlQueryForm('SELECT COUNT(*) FROM orders'),
  ],
  target: (config: { host: string; port: number; database?: string | undefined }) =>
    databaseTarget('mysql', config.host, config.port, config.database),
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'mysql'>);
