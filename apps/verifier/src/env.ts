import { baseEnvShape, booleanString, parseEnv, secretsKeySchema } from '@sentinelmesh/platform';
import { z } from 'zod';

export const verifierEnvShape = {
  ...baseEnvShape,
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(3013),
  HOST: z.string().min(1).default('127.0.0.1'),
  SECRETS_KEY: secretsKeySchema,
  DASHBOARD_URL: z.string().url().default('http://localhost:3000'),
  ALLOW_PRIVATE_TARGETS: booleanString.default(false),
};

export type VerifierEnv = ReturnType<typeof loadEnv>;

/** The verifier's settings, parsed once at start-up; throws an EnvError naming every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(verifierEnvShape, source);
}
