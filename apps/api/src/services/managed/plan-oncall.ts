import {
  changedFields,
  DomainError,
  type EscalationPolicyEntry,
  type EscalationStep,
  type FieldChange,
  type FieldProblem,
  type GroupEntry,
  type RotationEntry,
  type TargetEntry,
} from '@sentinelmesh/core';
import type { LiveGroup, LivePolicy, LiveRotation, Members } from './live';
import type { Match } from './match';

/** How a plan names live resources: the key each has after the apply (`#<id>` for one without). */
export type KeyOf = (kind: 'channels' | 'oncallRotations', id: string) => string;

/** Resolves the members a file names by email to user ids; unknown addresses are validation problems. */
export function memberResolver(members: Members) {
  const byEmail = new Map([...members].map(([id, email]) => [email, id]));
  const problems: FieldProblem[] = [];
  return {
    id(email: string, path: string): string {
      const id = byEmail.get(email.toLowerCase());
      if (!id) problems.push({ path, message: `no member of this organization has the email ${email}` });
      return id ?? email;
    },
    /** The id of a member the plan already checked. */
    known: (email: string) => byEmail.get(email.toLowerCase()) ?? email,
    email: (id: string) => members.get(id) ?? `#${id}`,
    /** Throws the problems found, if any: nothing is written when one member is unknown. */
    check() {
      if (problems.length > 0) {
        throw new DomainError('validation', 'the file names people who are not members', problems);
      }
    },
  };
}
export type MemberResolver = ReturnType<typeof memberResolver>;

const instant = (value: string | Date) => new Date(value).toISOString();

function rotationForm(
  r: Omit<RotationEntry, 'key' | 'members' | 'startsAt'> & { startsAt: string | Date; members: string[] },
) {
  return {
    name: r.name,
    cadence: r.cadence,
    handoffTime: r.handoffTime,
    handoffWeekday: r.handoffWeekday ?? null,
    timeZone: r.timeZone,
    startsAt: instant(r.startsAt),
    members: r.members.map((email) => email.toLowerCase()),
  };
}

/** The fields an apply changes on a rotation; checks that every member named exists. */
export function planRotation(m: Match<RotationEntry, LiveRotation>, people: MemberResolver): FieldChange[] {
  m.entry.members.forEach((email, i) => {
    people.id(email, `oncallRotations.${m.index}.members.${i}`);
  });
  if (!m.live) return [];
  const live = m.live;
  return changedFields(
    rotationForm({ ...live, members: live.memberIds.map(people.email) }),
    rotationForm(m.entry),
  );
}

/** The API's target (ids) written as a file writes it (keys, emails). */
function targetEntry(
  target: EscalationStep['targets'][number],
  keyOf: KeyOf,
  people: MemberResolver,
): TargetEntry {
  if (target.type === 'channel') return { channel: keyOf('channels', target.channelId) };
  if (target.type === 'rotation') return { rotation: keyOf('oncallRotations', target.rotationId) };
  return { member: people.email(target.userId) };
}

const policyForm = (p: Omit<EscalationPolicyEntry, 'key'>) => ({
  name: p.name,
  steps: p.steps.map((step) => ({
    waitMinutes: step.waitMinutes,
    targets: step.targets.map((t) => ('member' in t ? { member: t.member.toLowerCase() } : t)),
  })),
  repeat: p.repeat,
  reminderMinutes: p.reminderMinutes,
});

/** The fields an apply changes on an escalation policy; checks that every member named exists. */
export function planPolicy(
  m: Match<EscalationPolicyEntry, LivePolicy>,
  keyOf: KeyOf,
  people: MemberResolver,
): FieldChange[] {
  m.entry.steps.forEach((step, i) => {
    step.targets.forEach((t, j) => {
      if ('member' in t) people.id(t.member, `escalationPolicies.${m.index}.steps.${i}.targets.${j}.member`);
    });
  });
  if (!m.live) return [];
  const live = m.live;
  const steps = live.steps.map((step) => ({
    waitMinutes: step.waitMinutes,
    targets: step.targets.map((t) => targetEntry(t, keyOf, people)),
  }));
  return changedFields(policyForm({ ...live, steps }), policyForm(m.entry));
}

/** The steps of a policy entry as the API takes them: keys and emails replaced by ids. */
export function policySteps(
  entry: EscalationPolicyEntry,
  idOf: (kind: 'channels' | 'oncallRotations', key: string) => string,
  people: MemberResolver,
): EscalationStep[] {
  return entry.steps.map((step) => ({
    waitMinutes: step.waitMinutes,
    targets: step.targets.map((t): EscalationStep['targets'][number] => {
      if ('channel' in t) return { type: 'channel', channelId: idOf('channels', t.channel) };
      if ('rotation' in t) return { type: 'rotation', rotationId: idOf('oncallRotations', t.rotation) };
      return { type: 'member', userId: people.known(t.member) };
    }),
  }));
}

export function planGroup(m: Match<GroupEntry, LiveGroup>): FieldChange[] {
  if (!m.live) return [];
  return changedFields(
    { name: m.live.name, alertAsOne: m.live.alertAsOne },
    { name: m.entry.name, alertAsOne: m.entry.alertAsOne },
  );
}
