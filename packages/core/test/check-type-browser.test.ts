import { describe, expect, it } from 'vitest';
import {
  createMonitorSchema,
  MAX_BROWSER_SCRIPT_BYTES,
  monitorTarget,
  monitorTargetHosts,
} from '../src/index';

const parse = (input: Record<string, unknown>) =>
  createMonitorSchema.safeParse({ type: 'browser', name: 'shop', ...input });

describe('the browser check type', () => {
  it('takes a script with no assertions by default and an optional start page', () => {
    const parsed = parse({ script: "await page.goto('https://example.com/');" });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({ type: 'browser', assertions: [] });
    expect(parsed.data).not.toHaveProperty('url');
  });

  it('takes a script of exactly 32 KiB of UTF-8 and refuses one byte more', () => {
    const exact = 'x'.repeat(MAX_BROWSER_SCRIPT_BYTES);
    expect(parse({ script: exact }).success).toBe(true);
    const over = `${'x'.repeat(MAX_BROWSER_SCRIPT_BYTES - 1)}é`;
    const refused = parse({ script: over });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['script']);
  });

  it('refuses an empty script and a start page that is not http(s)', () => {
    expect(parse({ script: '' }).success).toBe(false);
    expect(parse({ script: 'await page.title();', url: 'file:///etc/passwd' }).success).toBe(false);
  });

  it("names the start page's host as its target, and nothing without one", () => {
    const config = { type: 'browser', script: 'x', url: 'https://user:pw@shop.example.com/login' } as never;
    expect(monitorTarget(config)).toBe('https://shop.example.com/login');
    expect(monitorTargetHosts(config)).toEqual([{ path: 'url', host: 'shop.example.com' }]);
    expect(monitorTargetHosts({ type: 'browser', script: 'x' } as never)).toEqual([]);
  });
});
