import { parseWebEnv } from '../../env';

// Readiness: the dashboard is useful only while the API it forwards to is ready.
export const dynamic = 'force-dynamic';

const { API_URL } = parseWebEnv(process.env);

export async function GET(): Promise<Response> {
  try {
    const response = await fetch(`${API_URL}/ready`, {
      signal: AbortSignal.timeout(2_000),
      cache: 'no-store',
    });
    await response.body?.cancel();
    if (response.ok) return Response.json({ status: 'ready' });
  } catch {
    // answered below
  }
  return Response.json({ status: 'unavailable', checks: { api: 'failed' } }, { status: 503 });
}
