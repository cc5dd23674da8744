import type { AlertMessage } from './message';

/** Clips text to `max` characters, marking the cut. */
export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A message's facts in the order a phone screen shows them under the title: cause, duration,
 * target, and who acknowledged; absent ones left out.
 */
export function messageFacts(m: AlertMessage): Array<[label: string, value: string]> {
  const facts: Array<[string, string | null]> = [
    ['Cause', m.cause],
    ['Duration', m.duration],
    ['Target', m.target],
    ['Acknowledged by', m.acknowledged],
  ];
  return facts.filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== '');
}
