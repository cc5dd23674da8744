// The images' HEALTHCHECK: exits 0 when the app answers its liveness path within 2 s.
const app = process.env.APP ?? 'api';
const defaults = { api: 3001, scheduler: 3011, worker: 3012, verifier: 3013, web: 3000 };
const configured = { api: process.env.API_PORT, web: process.env.PORT }[app] ?? process.env.OPS_PORT;
fetch(`http://127.0.0.1:${configured || defaults[app]}/health`, { signal: AbortSignal.timeout(2_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
