import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { publicUrl } from '../secret-urls';
import { variableName } from './api';
import { type CheckType, defineCheckType } from './check-type';

/** The longest script a browser monitor holds, in UTF-8 bytes. */
export const MAX_BROWSER_SCRIPT_BYTES = 32 * 1024;

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/**
 * A script run in a real browser: the page opens `url` (when set), then the script drives it with a
 * small Playwright-like `page` and `expect`. Fails at the script's first error, naming its line.
 */
export const browserCheckType = defineCheckType({
  type: 'browser',
  label: 'Browser (script)',
  description: 'Runs a script in a real browser: open pages, click, fill forms, expect what is shown.',
  fields: {
    url: httpUrl.optional(),
    script: z
      .string()
      .min(1)
      .refine(
        (s) => utf8Bytes(s) <= MAX_BROWSER_SCRIPT_BYTES,
        `the script is larger than ${MAX_BROWSER_SCRIPT_BYTES} bytes`,
      ),
    secretVariables: z
      .record(variableName, z.string().max(4096))
      .refine((v) => Object.keys(v).length <= 20, 'at most 20 secret variables')
      .default({})
      .describe('values the script reads as `secrets.NAME`: stored sealed, write-only, masked in results'),
  },
  assertions: { sources: ['responseTimeMs'], defaults: [] },
  form: [
    {
      name: 'url',
      label: 'Start page (optional)',
      kind: 'text',
      optional: true,
      placeholder: 'https://shop.example.com/login',
      hint: 'Opened before the script runs.',
    },
    {
      name: 'script',
      label: 'Script',
      kind: 'code',
      placeholder:
        "await page.fill('#email', 'probe@example.com');\nawait expect(page.locator('h1')).toHaveText('Welcome');",
      hint: 'Uses page and expect (see the browser check docs); at most 32 KiB.',
    },
    {
      name: 'secretVariables',
      label: 'Secret variables (JSON, optional)',
      kind: 'json',
      optional: true,
      hint: 'e.g. {"password": "…"}, read in the script as secrets.password; stored sealed.',
    },
  ],
  // The script decides where a secret goes: an edit of the script or start page must send them again.
  secrets: { fields: ['secretVariables'], boundTo: ['script', 'url'] },
  target: (config: { url?: string | undefined }) => (config.url ? publicUrl(config.url) : null),
  targetHosts(config: { url?: string | undefined }) {
    if (!config.url) return [];
    try {
      return [{ path: 'url', host: new URL(config.url).hostname }];
    } catch {
      return [];
    }
  },
} as const satisfies CheckType<'browser'>);
