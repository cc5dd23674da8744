import { z } from 'zod';
import { publicUrl } from '../secret-urls';
import { type CheckType, defineCheckType } from './check-type';
import { httpCheckType } from './http';

/** An absolute ws:// or wss:// URL with a host. */
export const wsUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute ws:// or wss:// URL');

const subprotocol = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'not a valid subprotocol name');

/** A WebSocket handshake; optionally a message, with the first reply judged. */
export const websocketCheckType = defineCheckType({
  type: 'websocket',
  label: 'WebSocket',
  description: 'Opens a WebSocket; can send a message and check the reply.',
  fields: {
    url: wsUrl,
    // HTTP's rules, the very same (a PATCH of headers then has one rule whatever the type).
    headers: httpCheckType.fields.headers,
    subprotocol: subprotocol.optional(),
    message: z.string().min(1).max(65_536).optional(),
    expect: z.string().min(1).max(4096).optional(),
  },
  assertions: { sources: ['responseTimeMs', 'body'], defaults: [] },
  form: [
    { name: 'url', label: 'URL', kind: 'text', placeholder: 'wss://example.com/socket' },
    {
      name: 'headers',
      label: 'Handshake headers (optional)',
      kind: 'json',
      optional: true,
      placeholder: '{ "Authorization": "Bearer …" }',
      hint: 'A JSON object of header names and values, sent with the upgrade request.',
    },
    { name: 'subprotocol', label: 'Subprotocol (optional)', kind: 'text', optional: true },
    {
      name: 'message',
      label: 'Message to send (optional)',
      kind: 'text',
      optional: true,
      hint: 'Sent once open; the first reply is judged.',
    },
    {
      name: 'expect',
      label: 'Expect in the reply (optional)',
      kind: 'text',
      optional: true,
      hint: 'The check fails when the first message received does not contain this.',
    },
  ],
  secrets: { urlAndHeaders: true },
  target: (config: { url: string }) => publicUrl(config.url),
  targetHosts(config: { url: string }) {
    try {
      return [{ path: 'url', host: new URL(config.url).hostname }];
    } catch {
      return [];
    }
  },
} as const satisfies CheckType<'websocket'>);
