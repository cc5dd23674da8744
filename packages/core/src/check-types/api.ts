import { z } from 'zod';
import { templateNames, VARIABLE_NAME } from '../api-steps';
import { isJsonPath } from '../assertions';
import { patternProblem } from '../regex';
import { assertionSchema, defaultAssertions } from '../schemas/assertion';
import { isSecretHeader } from '../secret-headers';
import { publicUrl, urlSecretValues } from '../secret-urls';
import { type CheckType, defineCheckType } from './check-type';
import { headerName, headerValue, httpMethods } from './http';

/** The most steps one multi-step check runs. */
export const MAX_API_STEPS = 10;
/** What a step's assertions can look at. */
export const apiStepSources = ['status', 'header', 'json', 'body', 'responseTimeMs'] as const;
const stepSources: ReadonlySet<string> = new Set(apiStepSources);

/** A variable's name: `{{name}}` in steps, `secrets.name` in browser scripts. */
export const variableName = z
  .string()
  .regex(VARIABLE_NAME, 'a variable name is a letter or _, then up to 63 letters, digits or _');

/** An absolute http(s) URL whose scheme and host are written out: placeholders go after the host. */
const templatedUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const authority = /^https?:\/\/([^/?#]*)/i.exec(value);
    if (!authority) {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
    } else if (authority[1]?.includes('{{')) {
      ctx.addIssue({ code: 'custom', message: 'the host cannot come from a variable' });
    } else {
      try {
        if (new URL(value.replace(/\{\{[^}]*\}\}/g, 'x')).hostname === '') throw new Error('no host');
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
      }
    }
  });

const extraction = z
  .strictObject({
    name: variableName,
    from: z.enum(['json', 'header', 'regex']),
    path: z.string().min(1).max(512).optional().describe('json: a JSON path ($.a.b[0]); header: its name'),
    pattern: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe('regex: an RE2 pattern; its first group (or the whole match) is the value'),
  })
  .superRefine((e, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    if (e.from === 'regex') {
      if (!e.pattern) issue('a regex extraction needs a pattern', 'pattern');
      else {
        const problem = patternProblem(e.pattern);
        if (problem) issue(problem, 'pattern');
      }
    } else if (!e.path) issue(`a ${e.from} extraction needs a path`, 'path');
    else if (e.from === 'json' && !isJsonPath(e.path)) issue('a JSON path such as $.data.token', 'path');
    else if (e.from === 'header' && !headerName.safeParse(e.path).success) issue('not a header name', 'path');
  });

const step = z
  .strictObject({
    name: z.string().trim().min(1).max(64),
    method: z.enum(httpMethods).default('GET'),
    url: templatedUrl,
    headers: z
      .record(headerName, headerValue)
      .refine((h) => Object.keys(h).length <= 50, 'at most 50 headers')
      .default({}),
    body: z.string().max(65_536).nullable().default(null),
    followRedirects: z.boolean().default(true),
    assertions: z
      .array(assertionSchema)
      .max(20)
      .default(() => [...defaultAssertions]),
    extract: z.array(extraction).max(10).default([]),
  })
  .superRefine((s, ctx) => {
    s.assertions.forEach((a, i) => {
      if (!stepSources.has(a.source)) {
        ctx.addIssue({
          code: 'custom',
          message: `a step can assert ${apiStepSources.join(', ')}`,
          path: ['assertions', i, 'source'],
        });
      }
    });
  });

/** The variables each step may use: those extracted by earlier steps, and the secret ones. */
const steps = z
  .array(step)
  .min(1)
  .max(MAX_API_STEPS)
  .superRefine((list, ctx) => {
    const extracted = new Set<string>();
    list.forEach((s, i) => {
      const texts = [s.url, ...Object.values(s.headers), s.body ?? ''];
      for (const name of texts.flatMap(templateNames)) {
        if (!extracted.has(name) && !name.startsWith('secret_')) {
          ctx.addIssue({
            code: 'custom',
            message: `step ${i + 1} uses {{${name}}}, which no earlier step extracts (secret variables start with secret_)`,
            path: [i],
          });
        }
      }
      for (const e of s.extract) extracted.add(e.name);
    });
  });

/**
 * A sequence of HTTP requests: each step's answer is judged by its own assertions, and values it
 * extracts (JSON path, header, RE2 match) fill `{{name}}` placeholders of later steps.
 */
export const apiCheckType = defineCheckType({
  type: 'api',
  label: 'Multi-step API',
  description: 'Runs a sequence of HTTP requests, passing values from one answer to the next request.',
  fields: {
    steps,
    secretVariables: z
      .record(
        variableName.regex(/^secret_/, 'a secret variable name starts with secret_'),
        z.string().max(4096),
      )
      .refine((v) => Object.keys(v).length <= 20, 'at most 20 secret variables')
      .default({})
      .describe('values for `{{secret_…}}` placeholders: stored sealed, write-only'),
  },
  assertions: { sources: ['responseTimeMs'], defaults: [] },
  form: [
    {
      name: 'steps',
      label: 'Steps (JSON)',
      kind: 'json',
      hint: 'A list of {name, method, url, headers, body, assertions, extract}; see the API reference.',
      placeholder:
        '[{"name":"login","method":"POST","url":"https://api.example.com/login","extract":[{"name":"token","from":"json","path":"$.token"}]}]',
    },
    {
      name: 'secretVariables',
      label: 'Secret variables (JSON, optional)',
      kind: 'json',
      optional: true,
      hint: 'e.g. {"secret_password": "…"}, used as {{secret_password}}; stored sealed.',
    },
  ],
  // Secret values go where the steps send them: an edit of the steps must send them again.
  secrets: { fields: ['secretVariables'], boundTo: ['steps'] },
  target: (config: { steps: ReadonlyArray<{ url: string }> }) => {
    const first = config.steps[0];
    return first ? publicUrl(first.url.replace(/\{\{[^}]*\}\}/g, '')) : null;
  },
  // Steps are stored and shown as written: a secret in them must come from a sealed variable.
  writeProblems(config: { steps: ReadonlyArray<{ url: string; headers: Record<string, string> }> }) {
    return config.steps.flatMap((s, i) => [
      ...Object.entries(s.headers)
        .filter(([name, value]) => isSecretHeader(name) && value.trim() !== '' && !value.includes('{{'))
        .map(([name]) => ({
          path: `steps.${i}.headers.${name}`,
          message: `a ${name} value is a secret: put it in secretVariables and write {{secret_…}} here (e.g. "Bearer {{secret_token}}"); steps are stored as written`,
        })),
      ...(urlSecretValues(s.url).some((value) => !value.includes('{{') && !value.includes('%7B%7B'))
        ? [
            {
              path: `steps.${i}.url`,
              message:
                'the URL holds a secret (credentials, or a value of a token, key or password parameter): put it in secretVariables and write {{secret_…}} here',
            },
          ]
        : []),
    ]);
  },
  targetHosts(config: { steps: ReadonlyArray<{ url: string }> }) {
    return config.steps.flatMap((s, i) => {
      try {
        return [{ path: `steps.${i}.url`, host: new URL(s.url.replace(/\{\{[^}]*\}\}/g, 'x')).hostname }];
      } catch {
        return [];
      }
    });
  },
} as const satisfies CheckType<'api'>);
