import { startTestStack, type TestStack } from '../../../../../test/support/stack';

export type RunningStack = TestStack;

export const ALL_APPS = 'api,scheduler,worker,verifier,web';

/** The real launcher (scripts/stack) with `apps` (every app by default) on free ports. */
export function startStack(
  databaseUrl: string,
  env?: Record<string, string>,
  apps = ALL_APPS,
): Promise<RunningStack> {
  // The first start may build the dashboard.
  return startTestStack({
    databaseUrl,
    apps,
    timeoutMs: 240_000,
    env,
  });
}
