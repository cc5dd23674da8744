import { z } from 'zod';

const envSchema = z.object({
  API_URL: z
    .url({ protocol: /^https?$/, error: 'API_URL must be an http:// or https:// URL' })
    .default('http://127.0.0.1:3001')
    .transform((url) => url.replace(/\/+$/, '')),
  /**
   * The API's address as browsers and scripts reach it (e.g. https://api.example.com); the API-keys
   * page names it and links to its reference (/docs). The default is the launcher's.
   */
  API_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'API_PUBLIC_URL must be an http:// or https:// URL' })
    .default('http://localhost:3001')
    .transform((url) => url.replace(/\/+$/, '')),
  /**
   * The header a trusted proxy in front of the dashboard (TLS terminator, load balancer) sets to the
   * client's address on every request, e.g. `x-real-ip`. Only for a dashboard that nothing reaches
   * except through that proxy; unset, the address is the one this server's socket saw.
   */
  CLIENT_ADDRESS_HEADER: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/i, 'CLIENT_ADDRESS_HEADER must be a header name, e.g. x-real-ip')
    .transform((name) => name.toLowerCase())
    .refine((name) => name !== 'x-forwarded-for' && name !== 'forwarded', {
      message: 'CLIENT_ADDRESS_HEADER names a header holding one address, such as x-real-ip',
    })
    .optional(),
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
