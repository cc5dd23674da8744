import { describe, expect, it } from 'vitest';
import { recipientLabel } from '../src/components/alert-recipient';

describe("an incident timeline's alert recipients", () => {
  it('names a channel with its type, and a deleted one as such', () => {
    expect(
      recipientLabel({
        channel: { name: 'Ops', type: 'slack' },
        recipient: { type: 'channel', id: 'c1', name: 'Ops' },
      }),
    ).toBe('Ops (Slack)');
    expect(recipientLabel({ channel: { name: null, type: 'slack' } })).toBe('a deleted channel (Slack)');
  });

  it("names an escalation's email to a member by their address", () => {
    expect(
      recipientLabel({ channel: null, recipient: { type: 'member', id: 'u1', name: 'ana@example.com' } }),
    ).toBe('ana@example.com (email)');
    expect(recipientLabel({ channel: null })).toBe('a former member (email)');
  });
});
