import type { FailedAssertion } from './check-result';
import { type FailureFacts, failureCause } from './incident-cause';

/** One failed check as stored: its region, its error and every rule (assertion) it broke. */
export interface FailedCheckFacts extends FailureFacts {
  region: string;
  failedAssertions: readonly FailedAssertion[];
}

/** The cause of an incident in plain words, with every failed rule and region named once. */
export interface IncidentExplanation {
  /** `Failed in eu-west and local: the status code should be between 200 and 399, but was 503.` */
  text: string;
  /** Each broken rule in plain words, in the order first seen. */
  failedRules: string[];
  /** Failures that are not a broken rule (`timeout`, `connection refused`), in the order first seen. */
  errors: string[];
  /** The regions that failed, sorted. */
  regions: string[];
}

const subjects: Record<string, string> = {
  status: 'the status code',
  body: 'the body',
  responseTimeMs: 'the response time (ms)',
  certExpiresInDays: 'the days until the certificate expires',
};

function subjectOf(f: FailedAssertion): string {
  if (f.source === 'json') return `the JSON value at ${f.path ?? '$'}`;
  if (f.source === 'header') return `the ${f.path ?? ''} header`.replace(/\s+/g, ' ');
  return subjects[f.source] ?? f.source;
}

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

function expectation(f: FailedAssertion): string {
  const v = f.expected;
  switch (f.op) {
    case 'eq':
      return `be ${show(v)}`;
    case 'neq':
      return `not be ${show(v)}`;
    case 'lt':
      return `be below ${show(v)}`;
    case 'lte':
      return `be at most ${show(v)}`;
    case 'gt':
      return `be above ${show(v)}`;
    case 'gte':
      return `be at least ${show(v)}`;
    case 'between':
      return Array.isArray(v) ? `be between ${show(v[0])} and ${show(v[1])}` : `be between ${show(v)}`;
    case 'contains':
      return `contain ${show(v)}`;
    case 'not_contains':
      return `not contain ${show(v)}`;
    case 'matches':
      return `match ${show(v)}`;
    case 'exists':
      return 'exist';
    case 'in':
      return Array.isArray(v) ? `be one of ${v.map(show).join(', ')}` : `be one of ${show(v)}`;
    default:
      return `${f.op} ${show(v)}`;
  }
}

/** A failed rule in plain words, without what was seen: `the status code should be between 200 and 399`. */
export function describeRule(f: FailedAssertion): string {
  return `${subjectOf(f)} should ${expectation(f)}`;
}

function seen(f: FailedAssertion): string {
  if (f.actual === null || f.actual === undefined) return 'it was missing';
  // Long bodies say nothing useful in one line.
  const text = show(f.actual);
  return `was ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`;
}

const listed = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The cause of an incident in plain words from its failed checks: every distinct broken rule with
 * what the first check that broke it saw, every other kind of failure, and the regions.
 */
export function explainIncident(failures: readonly FailedCheckFacts[]): IncidentExplanation | null {
  const bad = failures.filter((f) => !f.ok);
  if (bad.length === 0) return null;
  const rules = new Map<string, string>();
  const errors = new Set<string>();
  for (const check of bad) {
    for (const assertion of check.failedAssertions) {
      const rule = describeRule(assertion);
      if (!rules.has(rule)) rules.set(rule, `${rule}, but ${seen(assertion)}`);
    }
    // A failure with rules broken is explained by them; anything else (no response at all) by its error.
    if (check.failedAssertions.length === 0) {
      const cause = failureCause(check);
      if (cause) errors.add(cause);
    }
  }
  const regions = [...new Set(bad.map((f) => f.region))].sort();
  const parts = [...rules.values(), ...errors];
  const where = regions.length > 0 ? `Failed in ${listed(regions)}` : 'Failed';
  return {
    text: `${where}: ${parts.join('; ')}.`,
    failedRules: [...rules.keys()].map(capitalized),
    errors: [...errors],
    regions,
  };
}
