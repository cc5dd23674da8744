import { z } from 'zod';
import type { Assertion } from '../schemas/assertion';
import { hostName } from '../schemas/monitor-fields';
import type { CheckFormField } from './check-type';

/**
 * How a database check uses TLS: `disable` speaks plain TCP, `require` encrypts without judging the
 * certificate, `verify-full` also requires a trusted chain whose name matches the host.
 */
export const databaseTlsModes = ['disable', 'require', 'verify-full'] as const;
export type DatabaseTlsMode = (typeof databaseTlsModes)[number];

export const MAX_DATABASE_QUERY = 2000;

/** What a database check's assertions judge: the time taken and its query's result (see docs/checks.md). */
export const databaseAssertions = {
  sources: ['responseTimeMs', 'body', 'json'],
  defaults: [] as readonly Assertion[],
} as const;

const username = z.string().min(1).max(256);

/**
 * The password is sealed, write-only and filled in by the worker; a changed host, port or TLS mode
 * must send it again, so a stored password is never sent to another server or in the clear.
 */
export const databaseSecrets = { fields: ['password'], boundTo: ['host', 'port', 'tlsMode'] } as const;

/** The connection fields the SQL and Redis checks share, with the given default port and user. */
export function databaseConnectionFields<U extends string | undefined>(defaultPort: number, defaultUser: U) {
  return {
    host: hostName,
    port: z.number().int().min(1).max(65_535).default(defaultPort),
    username: (defaultUser === undefined
      ? username.optional()
      : username.default(defaultUser)) as U extends string
      ? z.ZodDefault<typeof username>
      : z.ZodOptional<typeof username>,
    password: z.string().min(1).max(1024).optional(),
    tlsMode: z.enum(databaseTlsModes).default('disable'),
  };
}

/** A read-only SQL statement to run after connecting (one statement; the check enforces read-only). */
export const sqlQuery = z
  .string()
  .trim()
  .min(1)
  .max(MAX_DATABASE_QUERY)
  .describe('one read-only statement; run in a read-only transaction with a statement timeout')
  .optional();

/** The form inputs for the shared connection fields. */
export function databaseConnectionForm(
  defaultPort: number,
  defaultUser: string | undefined,
  hostPlaceholder: string,
): CheckFormField[] {
  return [
    { name: 'host', label: 'Host', kind: 'text', placeholder: hostPlaceholder },
    { name: 'port', label: 'Port', kind: 'number', initial: String(defaultPort) },
    defaultUser === undefined
      ? { name: 'username', label: 'User (optional)', kind: 'text', optional: true }
      : { name: 'username', label: 'User', kind: 'text', initial: defaultUser },
    {
      name: 'password',
      label: 'Password (optional)',
      kind: 'text',
      optional: true,
      secret: true,
      hint: 'Stored encrypted; never shown again.',
    },
    {
      name: 'tlsMode',
      label: 'TLS',
      kind: 'select',
      options: databaseTlsModes,
      initial: 'disable',
      hint: 'require: encrypted; verify-full: encrypted with a trusted certificate for the host.',
    },
  ];
}

/** `scheme://host:port/path`, with IPv6 literals in brackets; never the user or password. */
export function databaseTarget(
  scheme: string,
  host: string,
  port: number,
  path: string | number | undefined,
) {
  const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const suffix = path === undefined || path === '' ? '' : `/${encodeURIComponent(String(path))}`;
  return `${scheme}://${shownHost}:${port}${suffix}`;
}

/** The form input for a SQL type's query. */
export const sqlQueryForm = (placeholder: string): CheckFormField => ({
  name: 'query',
  label: 'Query (optional)',
  kind: 'text',
  optional: true,
  placeholder,
  hint: 'One statement, run read-only. Assert on body (first value) or json $.value / $.rows.',
});
