import type { AlertPayload } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { discordBody } from '../src/channels/discord';
import { emailHtml } from '../src/channels/email';
import { alertMessage, messageLines } from '../src/channels/message';
import { slackBody } from '../src/channels/slack';
import { delivery, downAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const ackUrl = 'https://dash.example.com/api/v1/ack/AQEtoken.signature';
const withLink: AlertPayload = { ...downAlert, ackUrl };
const reminder: AlertPayload = {
  ...withLink,
  event: 'monitor.still_down',
  occurredAt: '2026-01-05T09:24:00.000Z',
};

describe('the acknowledge link in each human message', () => {
  it('Slack shows an Acknowledge button and link when the alert carries one, and neither without', () => {
    const body = slackBody(delivery(withLink, {}, null), dashboardUrl);
    expect(body.blocks).toContainEqual({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, url: ackUrl, style: 'primary' },
      ],
    });
    expect(body.text).toContain(`<${ackUrl}|Acknowledge>`);
    const plain = slackBody(delivery(downAlert, {}, null), dashboardUrl);
    expect(plain.blocks).toHaveLength(1);
    expect(plain.text).not.toContain('Acknowledge');
  });

  it('Discord shows an Acknowledge field with the link, and none without', () => {
    const [embed] = discordBody({ payload: withLink }, dashboardUrl).embeds;
    expect(embed?.fields).toContainEqual({
      name: 'Acknowledge',
      value: `[Acknowledge this incident](${ackUrl})`,
    });
    const [plain] = discordBody({ payload: downAlert }, dashboardUrl).embeds;
    expect(plain?.fields.map((f) => f.name)).not.toContain('Acknowledge');
  });

  it('email has the link in both parts, and none without', () => {
    const message = alertMessage(withLink, dashboardUrl);
    expect(messageLines(message)).toContain(`Acknowledge: ${ackUrl}`);
    expect(emailHtml(message)).toContain(`<a href="${ackUrl}"><strong>Acknowledge</strong></a>`);
    const plain = alertMessage(downAlert, dashboardUrl);
    expect(messageLines(plain).join('\n')).not.toContain('Acknowledge');
    expect(emailHtml(plain)).not.toContain('Acknowledge');
  });

  it('a reminder reads STILL DOWN with how long the monitor has been down', () => {
    const message = alertMessage(reminder, dashboardUrl);
    expect(message.title).toBe('STILL DOWN: Checkout API');
    expect(message.duration).toBe('down for 10m 0s (since 09:14:00 UTC)');
    expect(message.ackLink).toBe(ackUrl);
  });
});
