import { z } from 'zod';

const envSchema = z.object({
  API_URL: z
    .url({ protocol: /^https?$/, error: 'API_URL must be an http:// or https:// URL' })
    .default('http://127.0.0.1:3001')
    .transform((url) => url.replace(/\/+$/, '')),
});

export type WebEnv = z.infer<typeof envSchema>;

/** The dashboard server's settings, read when it starts (not baked in at build time). */
export function parseWebEnv(source: Record<string, string | undefined>): WebEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
