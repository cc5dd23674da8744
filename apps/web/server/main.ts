import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import next from 'next';
import { z } from 'zod';
import { createPageCache } from './page-cache';

/**
 * The dashboard's server: Next.js behind the status pages' shared cache (page-cache.ts). Run from the
 * app's folder (`node --import tsx server/main.ts`, the launcher) or from the image's standalone build
 * (`node apps/web/front.mjs`, compiled by `pnpm build`), where no next.config is left and the
 * build's own copy of it is read.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOSTNAME: z.string().min(1).default('0.0.0.0'),
  /** Seconds a status page is answered from memory before it is read again (0 turns the cache off). */
  STATUS_PAGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  STATUS_PAGE_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(64),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(
    `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  process.exit(1);
}
const env = parsed.data;
const dir = process.cwd();

/** The standalone build inlines next.config; its copy is in the build's required-server-files.json. */
function standaloneConfig(): Record<string, unknown> | undefined {
  if (['ts', 'mjs', 'js'].some((ext) => existsSync(path.join(dir, `next.config.${ext}`)))) return undefined;
  const file = path.join(dir, '.next-standalone', 'required-server-files.json');
  const { config } = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  return config;
}

const conf = standaloneConfig();
const app = next({ dev: false, dir, hostname: env.HOSTNAME, port: env.PORT, ...(conf ? { conf } : {}) });
await app.prepare();
const nextHandler = app.getRequestHandler();

const server = createServer();
const cache = createPageCache(nextHandler, {
  freshMs: env.STATUS_PAGE_CACHE_SECONDS * 1000,
  staleMs: 60_000,
  maxBytes: env.STATUS_PAGE_CACHE_MB * 1024 * 1024,
  origin: () => {
    const { address, port } = server.address() as AddressInfo;
    const wildcard = address === '0.0.0.0' || address === '::';
    return { host: wildcard ? '127.0.0.1' : address, port };
  },
});
const handler = env.STATUS_PAGE_CACHE_SECONDS > 0 ? cache.handle : nextHandler;
server.on('request', (req, res) => {
  Promise.resolve(handler(req, res)).catch((error: unknown) => {
    console.error('request failed', error);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  });
});
server.listen(env.PORT, env.HOSTNAME, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`dashboard listening on http://${env.HOSTNAME}:${port}\n`);
});

function stop(): void {
  server.close(() => {
    void app.close().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
