import { startTestStack, type TestStack } from '../../../../../test/support/stack';

export type RunningStack = TestStack;

/** The real launcher (scripts/stack) with every app, the dashboard included, on free ports. */
export function startStack(databaseUrl: string, env?: Record<string, string>): Promise<RunningStack> {
  // The first start may build the dashboard.
  return startTestStack({
    databaseUrl,
    apps: 'api,scheduler,worker,verifier,web',
    timeoutMs: 240_000,
    env,
  });
}
