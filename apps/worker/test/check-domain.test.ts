import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckContext, RdapClient, runCheck } from '../src/checks/index';
import { domainSpec, type LocalServer, startRdapServer } from './c-api-servers';
import { context } from './helpers';

let rdap: LocalServer;

beforeAll(async () => {
  rdap = await startRdapServer();
});
afterAll(async () => {
  await rdap.close();
});

/** A context whose RDAP client is the deployment's own server (trusted, like its DNS resolvers). */
const deployed = (overrides: Partial<CheckContext> = {}): CheckContext => ({
  ...context,
  allowPrivateTargets: false,
  rdap: new RdapClient({ baseUrl: rdap.url('/rdap/') }),
  ...overrides,
});
const detail = (outcome: { details?: { label: string; value: unknown }[] }, label: string) =>
  outcome.details?.find((d) => d.label === label)?.value;

describe('domain expiry check', () => {
  it('reads the expiry, days left and registrar from an RDAP server', async () => {
    const outcome = await runCheck(domainSpec('400days.test'), deployed());
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(detail(outcome, 'days left')).toBe(400);
    expect(detail(outcome, 'registrar')).toBe('Example Registrar, Inc.');
    expect(detail(outcome, 'RDAP server')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(outcome.statusCode).toBe(200);
    expect(outcome.phases.ttfbMs).not.toBeNull();
  });

  it('finds the server through an RFC 9224 bootstrap file', async () => {
    const client = new RdapClient({ bootstrapUrl: rdap.url('/bootstrap.json') });
    const outcome = await runCheck(domainSpec('90days.example'), {
      ...context,
      rdap: client,
    });
    expect(outcome.error).toBeNull();
    expect(detail(outcome, 'days left')).toBe(90);
    expect(rdap.hits.get('/bootstrap.json')).toBe(1);
    // The bootstrap file is read once and kept.
    await runCheck(domainSpec('91days.example'), { ...context, rdap: client });
    expect(rdap.hits.get('/bootstrap.json')).toBe(1);
  });

  it('says when the bootstrap names no server for the domain', async () => {
    const client = new RdapClient({ bootstrapUrl: rdap.url('/bootstrap.json') });
    const outcome = await runCheck(domainSpec('example.org'), { ...context, rdap: client });
    expect(outcome.error).toEqual({
      kind: 'protocol',
      message: "IANA's RDAP bootstrap names no server for example.org",
    });
  });

  it('fails below minDaysLeft and warns below warnDaysLeft', async () => {
    const failing = await runCheck(domainSpec('5days.test'), deployed());
    expect(failing.ok).toBe(false);
    expect(failing.error).toEqual({
      kind: 'assertion',
      message: '5days.test expires in 5 days (minimum 14)',
    });
    expect(failing.failedAssertions).toEqual([
      { source: 'domainExpiresInDays', op: 'gte', expected: 14, actual: 5 },
    ]);
    const warned = await runCheck(domainSpec('20days.test'), deployed());
    expect(warned.ok).toBe(true);
    expect(detail(warned, 'warning')).toBe('expires within 30 days');
    const calm = await runCheck(domainSpec('40days.test'), deployed());
    expect(detail(calm, 'warning')).toBeUndefined();
  });

  it('reuses an answer within its time to live, and asks again after it', async () => {
    let now = 1_000_000;
    const client = new RdapClient({ baseUrl: rdap.url('/rdap/'), answerTtlMs: 60_000, clock: () => now });
    const ctx = deployed({ rdap: client });
    const path = '/rdap/domain/300days.test';
    await runCheck(domainSpec('300days.test'), ctx);
    now += 30_000;
    const cached = await runCheck(domainSpec('300days.test'), ctx);
    expect(rdap.hits.get(path)).toBe(1);
    expect(cached.ok).toBe(true);
    expect(detail(cached, 'answer age')).toBe(30);
    expect(detail(cached, 'days left')).toBe(300);
    now += 31_000;
    await runCheck(domainSpec('300days.test'), ctx);
    expect(rdap.hits.get(path)).toBe(2);
  });

  it('follows a redirect to another RDAP answer', async () => {
    const outcome = await runCheck(domainSpec('moved.test'), deployed());
    expect(outcome.ok).toBe(true);
    expect(detail(outcome, 'days left')).toBe(400);
  });

  it('fails a domain the registry does not know as an assertion (404)', async () => {
    const outcome = await runCheck(domainSpec('unknown.test'), deployed());
    expect(outcome.error?.kind).toBe('assertion');
    expect(outcome.error?.message).toMatch(/has no registration of unknown\.test \(HTTP 404\)$/);
    expect(outcome.failedAssertions).toEqual([
      { source: 'registration', path: 'unknown.test', op: 'exists', expected: null, actual: null },
    ]);
  });

  it('fails an answer without an expiration event as an assertion', async () => {
    const outcome = await runCheck(domainSpec('noexpiry.test'), deployed());
    expect(outcome.error?.kind).toBe('assertion');
    expect(outcome.error?.message).toMatch(/publishes no expiration date for noexpiry\.test$/);
  });

  it('fails malformed answers as protocol errors', async () => {
    const garbage = await runCheck(domainSpec('garbage.test'), deployed());
    expect(garbage.error?.kind).toBe('protocol');
    expect(garbage.error?.message).toMatch(/the answer is not a JSON object$/);
    const entity = await runCheck(domainSpec('badclass.test'), deployed());
    expect(entity.error?.kind).toBe('protocol');
    expect(entity.error?.message).toMatch(/objectClassName is "entity", not "domain"$/);
  });

  it('fails an RDAP server error as http_status', async () => {
    const outcome = await runCheck(domainSpec('busy.test'), deployed());
    expect(outcome.error?.kind).toBe('http_status');
    expect(outcome.error?.message).toMatch(/answered HTTP 503$/);
  });

  it('times out within the monitor timeout', async () => {
    const started = Date.now();
    const outcome = await runCheck(domainSpec('slow.test', { timeoutMs: 300 }), deployed());
    expect(outcome.error).toEqual({ kind: 'timeout', message: 'no complete response within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a monitor's own private RDAP server unless private targets are allowed", async () => {
    const spec = domainSpec('400days.test', { rdapBaseUrl: rdap.url('/rdap/') });
    const before = rdap.hits.get('/rdap/domain/400days.test') ?? 0;
    const blocked = await runCheck(spec, { ...context, allowPrivateTargets: false, rdap: new RdapClient() });
    expect(blocked.error?.kind).toBe('blocked_target');
    expect(rdap.hits.get('/rdap/domain/400days.test') ?? 0).toBe(before);
    const allowed = await runCheck(spec, { ...context, allowPrivateTargets: true, rdap: new RdapClient() });
    expect(allowed.ok).toBe(true);
  });
});
