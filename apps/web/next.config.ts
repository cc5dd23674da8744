import type { NextConfig } from 'next';

// /api/* is forwarded to API_URL by src/proxy.ts at request time (rewrites here would be frozen at build).
const nextConfig: NextConfig = {
  transpilePackages: ['@sentinelmesh/core'],
  typedRoutes: false,
  poweredByHeader: false,
};

export default nextConfig;
