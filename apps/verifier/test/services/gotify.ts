import { jsonOf, type ServiceReply, startFakeService } from './fake-service';

const failure = (status: number, error: string, errorDescription: string): ServiceReply => ({
  status,
  body: { error, errorCode: status, errorDescription },
});

/**
 * A stand-in for a Gotify server served under `basePath`: `POST <base>/message` with the
 * application's token in `X-Gotify-Key` (or `?token=`); checks the message and priority; answers
 * 200 with the stored message, 401 `{ error, errorCode, errorDescription }` for a bad token and
 * 400 for a bad message.
 */
export async function startGotifyService(appToken: string, basePath = '') {
  const base = basePath.replace(/\/+$/, '');
  let id = 0;
  const service = await startFakeService((request) => {
    const url = new URL(request.path, 'http://gotify.invalid');
    if (request.method !== 'POST' || url.pathname !== `${base}/message`) {
      return failure(404, 'Not Found', 'page not found');
    }
    const token = request.headers['x-gotify-key'] ?? url.searchParams.get('token');
    if (token !== appToken) {
      return failure(
        401,
        'Unauthorized',
        'you need to provide a valid access token or user credentials to access this api',
      );
    }
    const body = jsonOf(request.body);
    if (!body || typeof body.message !== 'string' || body.message === '') {
      return failure(400, 'Bad Request', "Field 'message' is required");
    }
    if (body.priority !== undefined && !Number.isInteger(body.priority)) {
      return failure(400, 'Bad Request', "Field 'priority' must be an integer");
    }
    id += 1;
    return {
      status: 200,
      body: { id, appid: 1, date: new Date().toISOString(), title: body.title ?? 'app', ...body },
    };
  });
  return { ...service, messages: () => service.accepted().map((r) => jsonOf(r.body) ?? {}) };
}
