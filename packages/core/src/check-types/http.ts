import { z } from 'zod';
import { defaultAssertions } from '../schemas/assertion';
import { httpUrl } from '../schemas/http-url';
import { publicUrl } from '../secret-urls';
import { type CheckType, defineCheckType } from './check-type';

export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** An HTTP header name (RFC 9110 token). */
export const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'not a valid header name');
/** An HTTP header value: no line breaks. */
export const headerValue = z
  .string()
  .max(8192)
  .regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

/** An HTTP(S) request; the status, body, headers, JSON and certificate of the answer can be asserted. */
export const httpCheckType = defineCheckType({
  type: 'http',
  label: 'HTTP(S)',
  description: 'Requests a URL and checks the answer.',
  fields: {
    url: httpUrl,
    method: z.enum(httpMethods).default('GET'),
    headers: z
      .record(headerName, headerValue)
      .refine((h) => Object.keys(h).length <= 50, 'at most 50 headers')
      .default({}),
    body: z.string().max(65_536).nullable().default(null),
    followRedirects: z.boolean().default(true),
  },
  assertions: {
    sources: ['status', 'body', 'json', 'header', 'responseTimeMs', 'certExpiresInDays'],
    defaults: defaultAssertions,
  },
  secrets: { urlAndHeaders: true },
  // Method, headers, body and redirects have inputs of their own in the form.
  form: [
    {
      name: 'url',
      label: 'URL',
      kind: 'text',
      hint: 'The full address to request.',
      placeholder: 'https://example.com/health',
    },
  ],
  target: (config: { url: string }) => publicUrl(config.url),
  targetHosts(config: { url: string }) {
    try {
      // The URL parser has already normalised decimal, octal and hex spellings of IPv4.
      return [{ path: 'url', host: new URL(config.url).hostname }];
    } catch {
      return [];
    }
  },
} as const satisfies CheckType<'http'>);
