// Liveness: the dashboard's server answers (Kubernetes restarts it otherwise).
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' });
}
