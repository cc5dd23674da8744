import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, retryAfterHeaderMs } from '../src/channels/http-post';

describe('a Retry-After header', () => {
  const now = Date.parse('2026-01-05T09:14:00.000Z');

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Mon, 05 Jan 2026 09:14:30 GMT', 30_000],
    ['Mon, 05 Jan 2026 09:13:00 GMT', 0],
    ['86400', MAX_RETRY_AFTER_MS],
  ])('%j asks for a wait of %d ms (bounded)', (header, ms) => {
    expect(retryAfterHeaderMs(header, now)).toBe(ms);
  });

  it.each([[undefined], [''], ['soon'], [['1', '2']]])('%j asks for nothing', (header) => {
    expect(retryAfterHeaderMs(header, now)).toBeUndefined();
  });
});
