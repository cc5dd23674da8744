import { createDb } from '@sentinelmesh/db';
import { baseEnvShape, connectRedis, parseEnv } from '@sentinelmesh/platform';
import { regionsCommand, UsageError } from './probes/regions-admin';
import { announceRevocation } from './probes/revocations';

/**
 * Probe regions for a deployment admin (docs/probes.md):
 *   pnpm --filter @sentinelmesh/api regions list | add <region> | probe-token <region> <name> | revoke <probe-id>
 * Reads DATABASE_URL, and REDIS_URL (or REDIS_CLUSTER_NODES) with QUEUE_PREFIX to end a revoked
 * probe's polls at once; without Redis the gateway notices within seconds.
 */
async function main(args: string[]): Promise<string> {
  const { DATABASE_URL, REDIS_URL, REDIS_CLUSTER_NODES, QUEUE_PREFIX } = parseEnv(
    {
      DATABASE_URL: baseEnvShape.DATABASE_URL,
      REDIS_URL: baseEnvShape.REDIS_URL,
      REDIS_CLUSTER_NODES: baseEnvShape.REDIS_CLUSTER_NODES,
      QUEUE_PREFIX: baseEnvShape.QUEUE_PREFIX,
    },
    process.env,
  );
  const db = createDb({ connectionString: DATABASE_URL, max: 1, applicationName: 'sentinelmesh-regions' });
  const redis =
    REDIS_URL || REDIS_CLUSTER_NODES
      ? connectRedis({
          ...(REDIS_URL ? { REDIS_URL } : {}),
          ...(REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES } : {}),
        })
      : null;
  try {
    return await regionsCommand(db, args, async (ids) => {
      if (redis) await announceRevocation(redis, QUEUE_PREFIX, ids);
    });
  } finally {
    await db.destroy();
    await redis?.quit();
  }
}

main(process.argv.slice(2)).then(
  (text) => process.stdout.write(`${text}\n`),
  (error: unknown) => {
    console.error(`regions: ${error instanceof UsageError ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
