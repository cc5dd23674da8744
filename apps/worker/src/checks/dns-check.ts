import { Resolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import {
  type CheckError,
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  type DnsRecordType,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import {
  assertDnsNameAllowed,
  assertLiteralAllowed,
  BlockedNameError,
  classifyAddress,
  internalDnsName,
} from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';

const DNS_SOURCES: ReadonlySet<string> = new Set(checkTypes.dns.assertions.sources);

/** Each record type's answers as text, in the usual zone-file order of fields. */
async function query(resolver: Resolver, host: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(host);
    case 'AAAA':
      return resolver.resolve6(host);
    case 'CNAME':
      return resolver.resolveCname(host);
    case 'NS':
      return resolver.resolveNs(host);
    case 'PTR':
      return resolver.resolvePtr(host);
    case 'MX':
      return (await resolver.resolveMx(host)).map((r) => `${r.priority} ${r.exchange}`);
    case 'TXT':
      return (await resolver.resolveTxt(host)).map((chunks) => chunks.join(''));
    case 'SRV':
      return (await resolver.resolveSrv(host)).map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`);
    case 'CAA':
      return (await resolver.resolveCaa(host)).map((r) => {
        const [tag, value] = Object.entries(r).find(([key]) => key !== 'critical') ?? ['', ''];
        return `${r.critical} ${tag} ${String(value)}`;
      });
    case 'SOA': {
      const r = await resolver.resolveSoa(host);
      return [`${r.nsname} ${r.hostmaster} ${r.serial} ${r.refresh} ${r.retry} ${r.expire} ${r.minttl}`];
    }
  }
}

/** Names compare without case or a trailing dot. */
const normalise = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');

/** `1.1.1.1`, `1.1.1.1:53`, `[2606:4700::1111]:53` or a bare IPv6 address. */
function resolverHost(resolver: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(resolver);
  if (bracketed?.[1]) return bracketed[1];
  return resolver.includes('.') ? (resolver.split(':')[0] ?? resolver) : resolver;
}

/** The name-valued part of an answer (`10 mx.example.com` -> `mx.example.com`); null for free text. */
function answerName(type: DnsRecordType, answer: string): string | null {
  switch (type) {
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return answer;
    case 'MX':
    case 'SRV':
      return answer.split(' ').pop() ?? null;
    default:
      return null;
  }
}

/**
 * What makes the answers private (a non-public address, an internal name), without the value
 * itself, which must not reach results when private targets are refused; null when all are public.
 */
function privateAnswer(type: DnsRecordType, answers: string[]): string | null {
  for (const answer of answers) {
    if (type === 'A' || type === 'AAAA') {
      const classified = classifyAddress(answer);
      if (!classified?.public) return `a ${classified?.range ?? 'non-public'} address`;
      continue;
    }
    const name = answerName(type, answer);
    // An empty name is the root (a null MX, `0 .`), not an internal one.
    if (name && normalise(name) !== '' && internalDnsName(name)) return 'an internal name';
  }
  return null;
}

function dnsError(error: unknown, spec: CheckSpecOf<'dns'>): CheckError {
  const code = (error as { code?: unknown })?.code;
  const type = spec.recordType;
  switch (code) {
    case 'ETIMEOUT':
      return { kind: 'timeout', message: `no DNS answer within ${spec.timeoutMs} ms` };
    case 'ENOTFOUND':
      return { kind: 'dns', message: `${spec.host} does not exist (NXDOMAIN)` };
    case 'ENODATA':
      return { kind: 'dns', message: `${spec.host} has no ${type} records` };
    case 'ESERVFAIL':
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return { kind: 'dns', message: `the resolver failed (${code})` };
    default:
      return classifyError(error, { timeoutMs: spec.timeoutMs });
  }
}

/**
 * A DNS check: asks the resolver (the monitor's, or the system's) for one record type. Ok when
 * there is an answer and every expected value is among the records; body assertions see the
 * records, one per line.
 */
export async function dnsCheck(spec: CheckSpecOf<'dns'>, ctx: CheckContext): Promise<CheckOutcome> {
  const type = spec.recordType;
  const resolver = new Resolver({ timeout: spec.timeoutMs, tries: 1 });
  const started = performance.now();
  const measured = () => {
    const latencyMs = performance.now() - started;
    return { statusCode: null, latencyMs, phases: { ...emptyPhases, dnsMs: latencyMs }, certExpiresAt: null };
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    assertDnsNameAllowed(spec.host, ctx.allowPrivateTargets);
    if (spec.resolver) {
      // The resolver is a target too: it receives our packets.
      assertLiteralAllowed(resolverHost(spec.resolver), ctx.allowPrivateTargets);
      resolver.setServers([spec.resolver]);
    } else if (ctx.dnsServers?.length) {
      resolver.setServers(ctx.dnsServers);
    }
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' }));
      }, spec.timeoutMs);
    });
    const answers = await Promise.race([query(resolver, spec.host, type), deadline]);
    const observed = measured();
    if (!ctx.allowPrivateTargets) {
      const found = privateAnswer(type, answers);
      if (found) {
        throw new BlockedNameError(
          `${type} ${spec.host} answered with ${found}; private answers are not reported when private targets are not allowed`,
        );
      }
    }
    const have = new Set(answers.map(normalise));
    const missing: FailedAssertion[] = spec.expectedValues
      .filter((value) => !have.has(normalise(value)))
      .map((value) => ({
        source: 'records',
        path: `${type} ${spec.host}`,
        op: 'contains',
        expected: value,
        actual: answers.slice(0, 20),
      }));
    const failed = evaluateAssertions(
      spec.assertions.filter((a) => DNS_SOURCES.has(a.source)),
      { ...observed, headers: {}, body: answers.join('\n') },
      ctx.now(),
    );
    const outcome = answeredOutcome(observed, [...missing, ...failed]);
    if (outcome.error && missing.length > 0) {
      outcome.error.message = shorten(
        `${type} ${spec.host} lacks ${missing.map((m) => JSON.stringify(m.expected)).join(', ')}; got ${answers.join(', ') || 'nothing'}`,
      );
    }
    return outcome;
  } catch (error) {
    return failedOutcome(dnsError(error, spec), measured());
  } finally {
    clearTimeout(timer);
  }
}
