import path from 'node:path';
import type { NextConfig } from 'next';

// `pnpm build` (the image's build) asks for the standalone output, in a folder of its own so a
// running `next start` of the local launcher keeps its .next.
const standalone = process.env.WEB_BUILD === 'standalone';

// /api/* is forwarded to API_URL at request time by src/app/api/[...path]/route.ts (rewrites here
// would be frozen at build, and would pass a client-supplied X-Forwarded-For on unchecked).
const nextConfig: NextConfig = {
  transpilePackages: ['@sentinelmesh/core'],
  typedRoutes: false,
  poweredByHeader: false,
  ...(standalone
    ? {
        // server.js with only the files it traces; the repository root is the tracing root, so
        // workspace packages are found.
        output: 'standalone',
        distDir: '.next-standalone',
        outputFileTracingRoot: path.join(import.meta.dirname, '..', '..'),
      }
    : {}),
  // `pnpm typecheck` (tsc -p, part of scripts/test.sh) checks these sources; repeating it in every
  // `next build` doubles the launcher's build time and fails the dashboard on a type error elsewhere.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
