import { describe, expect, it } from 'vitest';
import { loginPath, safeNextPath } from '../src/lib/navigation';

describe('safeNextPath', () => {
  const cases: [string | null, string][] = [
    ['/monitors/abc', '/monitors/abc'],
    ['/monitors?status=down', '/monitors?status=down'],
    [null, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example/', '/'],
  ];

  it.each(cases)('sends "%s" to %s after sign-in', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe('loginPath', () => {
  it('remembers the page to return to', () => {
    expect(loginPath('/monitors/m 1')).toBe('/login?next=%2Fmonitors%2Fm%201');
  });

  it('adds nothing for the home page', () => {
    expect(loginPath('/')).toBe('/login');
  });
});
