import { createDb } from '@sentinelmesh/db';
import { sql } from 'kysely';
import { z } from 'zod';

/**
 * Sets an organization's own limits, for a deployment admin:
 *   pnpm --filter @sentinelmesh/api limits <org-slug> [name=value ...]
 * A value is a number (0: no limit) or `default` (the deployment's setting again). With no
 * name=value, prints the organization's overrides.
 */
const columns = {
  monitors: 'max_monitors',
  minIntervalSeconds: 'min_interval_seconds',
  checksPerSecond: 'max_checks_per_second',
  channels: 'max_channels',
  testAlertsPerMinute: 'max_test_alerts_per_minute',
  emailRecipientsPerChannel: 'max_email_recipients_per_channel',
} as const;
type LimitName = keyof typeof columns;
const names = Object.keys(columns) as LimitName[];
const decimal = new Set<LimitName>(['checksPerSecond']);

class UsageError extends Error {}

function parseAssignment(text: string): [LimitName, number | null] {
  const [name = '', value = '', ...rest] = text.split('=');
  if (!names.includes(name as LimitName) || rest.length > 0) {
    throw new UsageError(`unknown limit "${name}"; limits: ${names.join(', ')}`);
  }
  if (value === 'default') return [name as LimitName, null];
  const number = Number(value);
  const valid = value !== '' && Number.isFinite(number) && number >= 0 && number <= 1_000_000;
  if (!valid || (!decimal.has(name as LimitName) && !Number.isInteger(number))) {
    throw new UsageError(
      `${name}=${value}: expected ${decimal.has(name as LimitName) ? 'a number' : 'a whole number'} ≥ 0, or "default"`,
    );
  }
  if (name === 'minIntervalSeconds' && number > 86_400)
    throw new UsageError('minIntervalSeconds is at most 86400');
  return [name as LimitName, number];
}

async function main(args: string[]): Promise<string> {
  const [slug, ...assignments] = args;
  if (!slug)
    throw new UsageError(
      'usage: limits <org-slug> [name=value ...]; value: a number (0: no limit) or default',
    );
  const changes = assignments.map(parseAssignment);
  const databaseUrl = z.string().url().safeParse(process.env.DATABASE_URL);
  if (!databaseUrl.success) throw new UsageError('set DATABASE_URL to the deployment database');
  const db = createDb({ connectionString: databaseUrl.data, max: 1, applicationName: 'sentinelmesh-limits' });
  try {
    const org = await db
      .selectFrom('organizations')
      .select(['id', 'name'])
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (!org) throw new UsageError(`no organization with the slug "${slug}"`);
    if (changes.length > 0) {
      const values = Object.fromEntries(changes.map(([name, value]) => [columns[name], value]));
      await db
        .insertInto('organization_limits')
        .values({ org_id: org.id, ...values })
        .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
        .execute();
    }
    const row = await db
      .selectFrom('organization_limits')
      .selectAll()
      .where('org_id', '=', org.id)
      .executeTakeFirst();
    const lines = names.map((name) => {
      const value = row?.[columns[name]];
      const shown =
        value === null || value === undefined
          ? 'deployment default'
          : Number(value) === 0
            ? 'no limit'
            : String(Number(value));
      return `  ${name}: ${shown}`;
    });
    return `${org.name} (${slug}):\n${lines.join('\n')}`;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (text) => process.stdout.write(`${text}\n`),
  (error: unknown) => {
    console.error(`limits: ${error instanceof UsageError ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
