import { jsonOf, requestId, type ServiceReply, startFakeService } from './fake-service';

const answer = (status: number, body: Record<string, unknown>): ServiceReply => ({
  status,
  body: { ...body, took: 0.01, requestId: requestId() },
});
const invalid = (errors: Record<string, string>) =>
  answer(422, { message: 'Request body is not processable. Please check the errors.', errors });

export interface OpsgenieAlert {
  alias: string;
  message: string;
  priority: string;
  status: 'open' | 'closed';
  acknowledged: boolean;
  count: number;
  body: Record<string, unknown>;
}

/**
 * A stand-in for the Opsgenie Alert API v2 of one region: `POST /v2/alerts` (validated: message up
 * to 130 characters, priority, alias up to 512) and `POST /v2/alerts/<id>/close|acknowledge` with
 * `identifierType`, for one integration's `GenieKey`. Answers 202 `{ result, took, requestId }`,
 * 401 for another key, 422 with `errors`; keeps its alerts by alias as Opsgenie does (a create
 * with the alias of an open alert counts again).
 */
export async function startOpsgenieService(apiKey: string) {
  const alerts = new Map<string, OpsgenieAlert>();
  const service = await startFakeService((request) => {
    if (request.headers.authorization !== `GenieKey ${apiKey}`) {
      return answer(401, { message: 'Could not authenticate' });
    }
    if (request.method !== 'POST') return answer(405, { message: 'Method not allowed' });
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      return answer(415, { message: 'Unsupported Media Type' });
    }
    const url = new URL(request.path, 'http://opsgenie.invalid');
    const body = jsonOf(request.body);
    if (!body) return answer(400, { message: 'Could not parse request body' });
    if (url.pathname === '/v2/alerts') {
      const message = typeof body.message === 'string' ? body.message : '';
      if (message.trim() === '') return invalid({ message: 'Message can not be empty.' });
      if (message.length > 130) return invalid({ message: 'Message can not be longer than 130 characters.' });
      const priority = body.priority ?? 'P3';
      if (!/^P[1-5]$/.test(String(priority)))
        return invalid({ priority: 'Priority should be one of [P1, P2, P3, P4, P5]' });
      const alias = typeof body.alias === 'string' ? body.alias : requestId();
      if (alias.length > 512) return invalid({ alias: 'Alias can not be longer than 512 characters.' });
      const open = alerts.get(alias);
      if (open?.status === 'open') open.count += 1;
      else
        alerts.set(alias, {
          alias,
          message,
          priority: String(priority),
          status: 'open',
          acknowledged: false,
          count: 1,
          body,
        });
      return answer(202, { result: 'Request will be processed' });
    }
    const action = /^\/v2\/alerts\/([^/]+)\/(close|acknowledge)$/.exec(url.pathname);
    if (!action) return answer(404, { message: 'Not found' });
    const identifierType = url.searchParams.get('identifierType') ?? 'id';
    if (!['id', 'alias', 'tiny'].includes(identifierType)) {
      return invalid({ identifierType: 'Invalid identifier type' });
    }
    const alert = identifierType === 'alias' ? alerts.get(decodeURIComponent(action[1] ?? '')) : undefined;
    // Asynchronous: an unknown alert is reported by the request's status later, not here.
    if (alert && action[2] === 'close') alert.status = 'closed';
    if (alert && action[2] === 'acknowledge') alert.acknowledged = true;
    return answer(202, { result: 'Request will be processed' });
  });
  return { ...service, alerts };
}
