import { parseWebEnv } from '../../env';

// Readiness: the dashboard is useful only while the API it forwards to is ready. The body has the
// shape of every app's /ready, with the API as its one dependency.
export const dynamic = 'force-dynamic';

const { API_URL } = parseWebEnv(process.env);

export async function GET(): Promise<Response> {
  try {
    const response = await fetch(`${API_URL}/ready`, {
      signal: AbortSignal.timeout(2_000),
      cache: 'no-store',
    });
    await response.body?.cancel();
    if (response.ok) return Response.json({ status: 'ready', checks: { api: 'ok' } });
  } catch {
    // answered below
  }
  return Response.json({ status: 'not_ready', checks: { api: 'failed' } }, { status: 503 });
}
