import { parseWebEnv } from './env';

/** Node-only (process.exit): imported by instrumentation.ts for the Node.js runtime alone. */
export function exitOnInvalidEnv(): void {
  try {
    parseWebEnv(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
