import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api-client';
import type { Usage } from '../src/lib/api-types';
import { withNext } from '../src/lib/auth-forms';
import { acceptFailure, invitationPath, sameEmail } from '../src/lib/invitations';
import { usageRows } from '../src/lib/usage';

const problem = (status: number, detail?: string, type = '') =>
  new ApiError(status, 'Problem', detail, [], type);

describe('acceptFailure', () => {
  const cases: [string, unknown, ReturnType<typeof acceptFailure>][] = [
    ['an unverified email', problem(403, 'verify your email first'), 'unverified'],
    ['another address', problem(403, 'this invitation is for another address'), 'wrong-address'],
    ['a used, revoked or expired token', problem(404, 'invitation not found'), 'gone'],
    ['an invalid token problem', problem(400, 'bad token', 'urn:sentinelmesh:problem:invalid_token'), 'gone'],
    ['an existing membership', problem(409, 'already a member'), 'already-member'],
    ['any other problem', problem(500, 'boom'), null],
    ['a network failure', new Error('offline'), null],
  ];

  it.each(cases)('reads %s', (_name, error, expected) => {
    expect(acceptFailure(error)).toBe(expected);
  });
});

describe('invitation links', () => {
  it('compares addresses without case or surrounding spaces, as the API does', () => {
    expect(sameEmail(' CTO@Victim.example ', 'cto@victim.example')).toBe(true);
    expect(sameEmail('cto@victim.example', 'cto@attacker.example')).toBe(false);
  });

  it('returns to the invitation after logging in or signing up', () => {
    const back = invitationPath('a+b/c');
    expect(back).toBe('/invitations/accept?token=a%2Bb%2Fc');
    expect(withNext('/login', back)).toBe('/login?next=%2Finvitations%2Faccept%3Ftoken%3Da%252Bb%252Fc');
    expect(new URLSearchParams(withNext('/signup', back).split('?')[1]).get('next')).toBe(back);
    expect(withNext('/signup', null)).toBe('/signup');
  });
});

describe('usageRows', () => {
  const usage: Usage = {
    limits: {
      monitors: 50,
      minIntervalSeconds: 30,
      checksPerSecond: 2,
      channels: null,
      testAlertsPerMinute: 5,
      emailRecipientsPerChannel: null,
    },
    usage: { monitors: 12, checksPerSecond: 2.5, channels: 3 },
  };
  const rows = Object.fromEntries(usageRows(usage).map((row) => [row.key, row]));

  it('lists every limit of the API, once', () => {
    expect(Object.keys(rows).sort()).toEqual(Object.keys(usage.limits).sort());
  });

  it('gives the share in use of a limit the organization uses up', () => {
    expect(rows.monitors).toMatchObject({
      used: 12,
      limit: 50,
      limitText: '50',
      percent: 24,
      figure: '12 of 50',
    });
  });

  it('caps the share at 100 when usage is over the limit', () => {
    expect(rows.checksPerSecond).toMatchObject({ used: 2.5, limit: 2, percent: 100, figure: '2.5 of 2' });
  });

  it('says "no limit" for a null limit, with no share', () => {
    expect(rows.channels).toMatchObject({ used: 3, limit: null, percent: null, figure: '3 (no limit)' });
    expect(rows.emailRecipientsPerChannel?.limitText).toBe('no limit');
  });

  it('shows limits that are not used up as the limit alone, intervals in their unit', () => {
    expect(rows.minIntervalSeconds).toMatchObject({ used: null, percent: null, figure: '30 s' });
    expect(rows.testAlertsPerMinute).toMatchObject({ used: null, percent: null, figure: '5' });
  });

  it('treats a zero limit as full once anything is used', () => {
    const zero = usageRows({ ...usage, limits: { ...usage.limits, monitors: 0 } });
    expect(zero.find((row) => row.key === 'monitors')?.percent).toBe(100);
  });
});
