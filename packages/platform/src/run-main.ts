import { EnvError } from './env';
import { RedisPolicyError } from './redis';

/**
 * Runs an app's start-up; when it fails, prints one line (a configuration or Redis policy error as
 * it is, anything else prefixed with the app's name) and exits 1, so the supervisor sees why.
 */
export function runMain(app: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof EnvError || error instanceof RedisPolicyError;
    console.error(known ? message : `${app} failed to start: ${message}`);
    process.exit(1);
  });
}
