import { type FakeService, jsonOf, type Reply, startFakeService, type TakenRequest } from './fake-service';

const isJson = (r: TakenRequest) => String(r.headers['content-type'] ?? '').startsWith('application/json');

/**
 * A Matrix homeserver's send endpoint: `PUT /_matrix/client/v3/rooms/<roomId>/send/m.room.message/<txnId>`
 * with `Authorization: Bearer <token>`. A known token in a joined room gets 200 `{event_id}`, the same
 * event for a transaction id seen before; errors are `{errcode, error}` as the spec lists them.
 */
export async function startMatrixServer(options: { token: string; joinedRooms: string[] }) {
  const events = new Map<string, string>();
  const service = await startFakeService((r) => {
    const match = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/.exec(r.path);
    if (!match) return { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } };
    if (r.method !== 'PUT')
      return { status: 405, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } };
    const auth = String(r.headers.authorization ?? '');
    if (!auth) return { status: 401, body: { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' } };
    if (auth !== `Bearer ${options.token}`) {
      return { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', error: 'Unrecognised access token' } };
    }
    const [, room = '', eventType, txnId = ''] = match;
    if (!options.joinedRooms.includes(decodeURIComponent(room))) {
      return { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'User is not in room' } };
    }
    const content = jsonOf(r.rawBody);
    if (eventType !== 'm.room.message' || !content || typeof content.body !== 'string' || !content.msgtype) {
      return { status: 400, body: { errcode: 'M_BAD_JSON', error: 'Content must have body and msgtype' } };
    }
    const eventId = events.get(txnId) ?? `$event${events.size + 1}`;
    events.set(txnId, eventId);
    return { status: 200, body: { event_id: eventId } };
  });
  return { ...service, events };
}

/**
 * A Mattermost incoming webhook: `POST /hooks/<key>` of a known key with JSON that has `text` or
 * `attachments` gets 200 `ok`; an unknown key 400 `web.incoming_webhook.invalid.app_error`.
 */
export async function startMattermostServer(keys: string[]) {
  return startFakeService((r): Reply => {
    const key = /^\/hooks\/([a-z0-9]+)$/.exec(r.path)?.[1];
    const error = (id: string, message: string) => ({
      status: 400,
      body: { id, message, detailed_error: '', request_id: 'r1', status_code: 400 },
    });
    if (r.method !== 'POST' || !key || !keys.includes(key)) {
      return error('web.incoming_webhook.invalid.app_error', 'Invalid webhook.');
    }
    const body = isJson(r) ? jsonOf(r.rawBody) : undefined;
    if (!body) return error('web.incoming_webhook.parse.app_error', 'Unable to parse incoming data.');
    if (!body.text && !Array.isArray(body.attachments)) {
      return error('web.incoming_webhook.text.app_error', 'No text specified.');
    }
    return { status: 200, body: 'ok' };
  });
}

/**
 * A Rocket.Chat incoming webhook integration: `POST /hooks/<id>/<token>` gets 200 `{success: true}`;
 * an unknown id or token 404 `{success: false, error}`, a body without text or attachments 400.
 */
export async function startRocketChatServer(integrations: Record<string, string>) {
  return startFakeService((r): Reply => {
    const [, id = '', token = ''] = /^\/hooks\/([^/]+)\/([^/]+)$/.exec(r.path) ?? [];
    if (r.method !== 'POST' || integrations[id] !== token) {
      return { status: 404, body: { success: false, error: 'Invalid integration id or token provided.' } };
    }
    const body = jsonOf(r.rawBody);
    if (!body || (!body.text && !Array.isArray(body.attachments))) {
      return { status: 400, body: { success: false, error: 'error-invalid-message' } };
    }
    return { status: 200, body: { success: true } };
  });
}

/**
 * A Google Chat space webhook: `POST /v1/spaces/<space>/messages?key=…&token=…` with the right
 * token and `text` or `cardsV2` gets 200 with the created message (in the thread of its key when
 * `messageReplyOption` asks for one); errors are Google's `{error: {code, message, status}}`.
 */
export async function startGoogleChatServer(options: { space: string; token: string }) {
  const threads = new Map<string, string>();
  let created = 0;
  return startFakeService((r): Reply => {
    const url = new URL(r.path, 'http://x');
    const fail = (code: number, status: string, message: string) => ({
      status: code,
      body: { error: { code, message, status } },
    });
    if (url.pathname !== `/v1/spaces/${options.space}/messages` || r.method !== 'POST') {
      return fail(404, 'NOT_FOUND', 'Requested entity was not found.');
    }
    if (url.searchParams.get('token') !== options.token || !url.searchParams.get('key')) {
      return fail(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    const body = jsonOf(r.rawBody);
    if (!body || (!body.text && !Array.isArray(body.cardsV2))) {
      return fail(400, 'INVALID_ARGUMENT', 'Message cannot be empty.');
    }
    const key = (body.thread as { threadKey?: string } | undefined)?.threadKey;
    const reply = url.searchParams.get('messageReplyOption') === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD';
    const thread =
      key && reply && threads.has(key)
        ? (threads.get(key) as string)
        : `spaces/${options.space}/threads/t${threads.size + 1}`;
    if (key && !threads.has(key)) threads.set(key, thread);
    created += 1;
    return {
      status: 200,
      body: {
        name: `spaces/${options.space}/messages/m${created}`,
        text: body.text,
        thread: { name: thread },
      },
    };
  });
}

/**
 * Twilio's create-message endpoint: `POST /2010-04-01/Accounts/<Sid>/Messages.json`, HTTP Basic
 * `Sid:AuthToken`, a form with To, From (or MessagingServiceSid) and Body. 201 with the queued
 * message (and its segment count); errors are `{code, message, more_info, status}`.
 */
export async function startTwilioServer(options: { accountSid: string; authToken: string }) {
  return startFakeService((r): Reply => {
    const error = (status: number, code: number, message: string) => ({
      status,
      body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    });
    if (r.method !== 'POST' || r.path !== `/2010-04-01/Accounts/${options.accountSid}/Messages.json`) {
      return error(404, 20404, 'The requested resource was not found');
    }
    const expected = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    if (r.headers.authorization !== expected) return error(401, 20003, 'Authenticate');
    if (!String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return error(400, 21602, 'Message body is required.');
    }
    const form = new URLSearchParams(r.rawBody);
    const to = form.get('To') ?? '';
    // +15005550001 is the number Twilio's test credentials document as invalid.
    if (!/^\+[1-9]\d{6,14}$/.test(to) || to === '+15005550001') {
      return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (!form.get('From') && !form.get('MessagingServiceSid')) {
      return error(400, 21603, "The 'From' phone number is required.");
    }
    const body = form.get('Body') ?? '';
    if (!body) return error(400, 21602, 'Message body is required.');
    return {
      status: 201,
      body: {
        sid: `SM${'0'.repeat(32)}`,
        status: 'queued',
        to,
        body,
        num_segments: String(body.length <= 160 ? 1 : Math.ceil(body.length / 153)),
      },
    };
  });
}

export type { FakeService };
