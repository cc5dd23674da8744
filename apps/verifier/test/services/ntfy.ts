import { jsonOf, type ServiceReply, startFakeService } from './fake-service';

const failure = (status: number, code: number, error: string): ServiceReply => ({
  status,
  body: { code, http: status, error, link: 'https://ntfy.sh/docs/publish/' },
});

/**
 * A stand-in for an ntfy server served under `basePath`: JSON publishing (`POST <base>/` with
 * `{ topic, … }`), validated as ntfy does (topic name, priority 1..5, at most 3 `view`/`http`
 * actions); topics in `protectedTopics` need `Authorization` (a Bearer token or Basic user and
 * password) and answer 403 without it, 401 with wrong ones. Answers 200 with the message.
 */
export async function startNtfyService(options: {
  basePath?: string;
  protectedTopics?: Record<string, { token?: string; user?: string; password?: string }>;
}) {
  const base = `${(options.basePath ?? '').replace(/\/+$/, '')}/`;
  let seq = 0;
  const service = await startFakeService((request) => {
    if (request.method !== 'POST' || request.path !== base) return failure(404, 40401, 'page not found');
    const body = jsonOf(request.body);
    if (!body) return failure(400, 40024, 'invalid request: request body must be message JSON');
    const topic = String(body.topic ?? '');
    if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic)) return failure(400, 40009, 'invalid request: topic invalid');
    const guard = options.protectedTopics?.[topic];
    if (guard) {
      const auth = request.headers.authorization;
      if (!auth) return failure(403, 40301, 'forbidden');
      const basic = guard.user
        ? `Basic ${Buffer.from(`${guard.user}:${guard.password}`).toString('base64')}`
        : null;
      if (auth !== `Bearer ${guard.token}` && auth !== basic) return failure(401, 40101, 'unauthorized');
    }
    if (body.priority !== undefined && ![1, 2, 3, 4, 5].includes(body.priority as number)) {
      return failure(400, 40007, 'invalid request: priority invalid');
    }
    const actions = (body.actions as Array<Record<string, unknown>> | undefined) ?? [];
    if (actions.length > 3) return failure(400, 40018, 'invalid request: too many actions');
    if (
      actions.some((a) => !['view', 'http', 'broadcast'].includes(String(a.action)) || !a.label || !a.url)
    ) {
      return failure(400, 40018, 'invalid request: action invalid');
    }
    seq += 1;
    return {
      status: 200,
      body: { id: `msg${seq}`, time: Math.floor(Date.now() / 1000), event: 'message', ...body },
    };
  });
  return { ...service, messages: () => service.accepted().map((r) => jsonOf(r.body) ?? {}) };
}
