import { requestId, type ServiceReply, startFakeService } from './fake-service';

const refusal = (field: string, error: string): ServiceReply => ({
  status: 400,
  body: { [field]: 'invalid', errors: [error], status: 0, request: requestId() },
});

/**
 * A stand-in for Pushover's `POST /1/messages.json` (form-encoded) for one application and its
 * users: checks the token, the user, the lengths (message 1024, title 250, url 512, url_title
 * 100), the priority (2 needs retry ≥ 30 and expire ≤ 10800) and `html`; answers 200
 * `{ status: 1, request }` or 400 `{ <field>: "invalid", errors, status: 0, request }`.
 */
export async function startPushoverService(appToken: string, userKeys: string[]) {
  const service = await startFakeService((request) => {
    if (request.method !== 'POST' || request.path !== '/1/messages.json') {
      return { status: 404, body: { errors: ['not found'], status: 0, request: requestId() } };
    }
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return refusal('token', 'application token is invalid, see https://pushover.net/api');
    }
    const form = new URLSearchParams(request.body);
    const field = (name: string) => form.get(name) ?? '';
    if (field('token') !== appToken)
      return refusal('token', 'application token is invalid, see https://pushover.net/api');
    if (!userKeys.includes(field('user'))) {
      return refusal(
        'user',
        'user identifier is not a valid user, group, or subscribed user key, see https://pushover.net/api#identifiers',
      );
    }
    if (field('message') === '') return refusal('message', 'message cannot be blank');
    const limits: Array<[string, number]> = [
      ['message', 1024],
      ['title', 250],
      ['url', 512],
      ['url_title', 100],
    ];
    for (const [name, max] of limits) {
      if (field(name).length > max)
        return refusal(name, `${name} is too long, must be ${max} characters or less`);
    }
    const priority = Number(form.get('priority') ?? '0');
    if (![-2, -1, 0, 1, 2].includes(priority)) return refusal('priority', 'priority is invalid');
    if (priority === 2) {
      if (!(Number(field('retry')) >= 30)) return refusal('retry', 'retry must be at least 30 seconds');
      if (!(Number(field('expire')) > 0 && Number(field('expire')) <= 10800)) {
        return refusal('expire', 'expire must be at most 10800 seconds');
      }
    }
    if (form.has('html') && !['0', '1'].includes(field('html')))
      return refusal('html', 'html must be 0 or 1');
    return {
      status: 200,
      body: { status: 1, request: requestId(), ...(priority === 2 ? { receipt: requestId() } : {}) },
    };
  });
  return {
    ...service,
    messages: () => service.accepted().map((r) => Object.fromEntries(new URLSearchParams(r.body))),
  };
}
