import type { AlertMessage } from './message';

/** The label as an emoji, for chat messages and their notification previews. */
export const labelEmoji: Record<string, string> = {
  DOWN: '🔴',
  UP: '✅',
  FLAPPING: '⚠️',
  ACKNOWLEDGED: '👀',
  TEST: '👋',
};

/** The facts of a message that it has, as label and value, in the order people read them. */
export function messageFacts(m: AlertMessage): Array<[string, string]> {
  const facts: Array<[string, string | null]> = [
    ['Cause', m.cause],
    ['Duration', m.duration],
    ['Target', m.target],
    ['Acknowledged by', m.acknowledged],
  ];
  return facts.filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== '');
}

/** Text a chat must not read as a mention (`@all`, `@channel`, `@room`): a zero-width space after each `@`. */
export const noMentions = (text: string) => text.replace(/@(?=[\w.-])/g, '@\u200b');

export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A Markdown link whose text and target cannot break out of it. */
export const markdownLink = (text: string, url: string) =>
  `[${text.replace(/[[\]]/g, '')}](${url.replace(/[()\s]/g, encodeURIComponent)})`;

/**
 * The Slack-style body that Mattermost and Rocket.Chat incoming webhooks take: `text` (the
 * notification preview: the title, and the links in Markdown) and one attachment with the facts.
 */
export function attachmentBody(m: AlertMessage, colors: Record<string, string>) {
  const title = noMentions(`${labelEmoji[m.label] ?? ''} ${m.title}`.trim());
  const links = [
    markdownLink('Open in SentinelMesh', m.link),
    ...(m.ackLink ? [markdownLink('Acknowledge', m.ackLink)] : []),
  ].join(' · ');
  return {
    text: `**${title}**\n${links}`,
    attachments: [
      {
        fallback: title,
        color: colors[m.label] ?? '#333333',
        title: noMentions(m.title),
        title_link: m.link,
        fields: messageFacts(m).map(([label, value]) => ({
          short: label !== 'Cause' && label !== 'Target',
          title: label,
          value: noMentions(value),
        })),
        ts: Math.floor(Date.parse(m.occurredAt) / 1000),
      },
    ],
  };
}

/** A short, safe-to-store detail from a JSON error body: `field` of it, when it is a short string. */
export function errorDetail(responseText: string | null, read: (body: Record<string, unknown>) => unknown) {
  try {
    const value = read(JSON.parse(responseText ?? '') as Record<string, unknown>);
    return typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, 120) : null;
  } catch {
    return null;
  }
}
