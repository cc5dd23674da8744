import { z } from 'zod';
import { isSecretHeader } from '../monitor-secrets';
import { httpUrl } from '../schemas/http-url';
import { SECRET_MASK } from '../secret-urls';
import { jsonTemplateProblem, MAX_TEMPLATE_LENGTH, templateProblems } from './alert-template';
import { type ChannelType, maskSecretUrl, type StoredChannel } from './channel-type';

/** Headers the request itself sets (framing, the body's type, the host); the rest may be given. */
const RESERVED_HEADERS = new Set([
  'connection',
  'content-length',
  'content-type',
  'host',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const bodyTemplate = z
  .string()
  .min(1)
  .max(MAX_TEMPLATE_LENGTH)
  .superRefine((template, ctx) => {
    for (const message of templateProblems(template)) ctx.addIssue({ code: 'custom', message });
  });
const method = z.enum(['POST', 'PUT', 'PATCH']);
const contentType = z
  .string()
  .trim()
  .max(200)
  .regex(/^[\w.+-]+\/[\w.+-]+(\s*;[^\r\n]*)?$/, 'must be a media type, such as application/json');
const headerName = z
  .string()
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name')
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by the request itself');
const headers = z
  .record(
    headerName,
    z
      .string()
      .max(4096)
      .regex(/^[^\r\n\0]*$/, 'must be one line'),
  )
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
  .refine(
    (h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length,
    'names a header twice',
  );

const settings = z.strictObject({
  url: httpUrl.describe('where alerts are sent; sealed, as such URLs often carry a token'),
  method: method.optional().describe('POST (default), PUT or PATCH'),
  contentType: contentType.optional().describe("the body's media type (default application/json)"),
  bodyTemplate: bodyTemplate.describe(
    'the body, in Mustache: {{title}}, {{cause}}, {{monitor.name}}, {{#incident}}…{{/incident}} (docs/api.md lists the variables); values are escaped for the content type',
  ),
  headers: headers
    .optional()
    .describe(
      'extra request headers; their values are sealed, and masked in responses unless plainly public',
    ),
});
const config = z.object({ method, contentType: z.string(), bodyTemplate: z.string() });
const secrets = z.object({ url: httpUrl, headers: z.record(z.string(), z.string()) });
const view = z.object({
  url: z.string().describe('masked'),
  method,
  contentType: z.string(),
  bodyTemplate: z.string(),
  headers: z.record(z.string(), z.string()).describe(`values masked as ${SECRET_MASK} unless plainly public`),
});

/** Any HTTP endpoint, with a body made from the channel's own template (Mustache, logic-less). */
export const customWebhookChannel = {
  label: 'Webhook (custom body)',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({
    config: {
      method: s.method ?? 'POST',
      contentType: s.contentType ?? 'application/json',
      bodyTemplate: s.bodyTemplate,
    },
    secrets: { url: s.url, headers: s.headers ?? {} },
  }),
  problems: (s: z.output<typeof settings>) => {
    const problem = jsonTemplateProblem(s.bodyTemplate, s.contentType ?? 'application/json');
    return problem ? [{ field: 'bodyTemplate', message: problem }] : [];
  },
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    url: maskSecretUrl(stored.secrets?.url),
    method: stored.config?.method ?? 'POST',
    contentType: stored.config?.contentType ?? '',
    bodyTemplate: stored.config?.bodyTemplate ?? '',
    headers: Object.fromEntries(
      Object.entries(stored.secrets?.headers ?? {}).map(([name, value]) => [
        name,
        isSecretHeader(name) ? SECRET_MASK : value,
      ]),
    ),
  }),
  targetFields: ['url'],
  fields: [
    {
      name: 'url',
      kind: 'url',
      label: 'URL',
      hint: 'Where each alert is sent. Kept sealed: shown later only as its origin and last characters.',
      placeholder: 'https://example.com/hooks/alerts',
    },
    {
      name: 'bodyTemplate',
      kind: 'code',
      label: 'Body template',
      hint: 'Mustache: {{title}}, {{cause}}, {{link}}, {{ackUrl}}, {{monitor.name}}, {{#isDown}}…{{/isDown}}. Values are escaped for the content type.',
      placeholder: '{"text": "{{title}}: {{cause}} {{link}}"}',
    },
    {
      name: 'contentType',
      kind: 'text',
      label: 'Content type (optional)',
      hint: 'Empty: application/json.',
      placeholder: 'application/json',
      optional: true,
    },
    {
      name: 'method',
      kind: 'text',
      label: 'Method (optional)',
      hint: 'POST, PUT or PATCH. Empty: POST.',
      placeholder: 'POST',
      optional: true,
    },
    {
      name: 'headers',
      kind: 'headers',
      label: 'Headers (optional)',
      hint: 'One per line, as Name: value. Values are kept sealed.',
      placeholder: 'Authorization: Bearer …',
      optional: true,
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
