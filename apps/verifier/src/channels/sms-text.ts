import type { AlertMessage } from './message';

// GSM 03.38: the basic set, and the extension set whose characters take two septets each.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€');

/** Two concatenated GSM-7 segments hold 2 × 153 septets. */
export const SMS_MAX_SEPTETS = 306;

const lookalikes: Record<string, string> = {
  '…': '...',
  '—': '-',
  '–': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '·': '-',
  '\t': ' ',
};

/**
 * Text in the GSM-7 alphabet: accents dropped where the letter has none there, common punctuation
 * replaced, anything else `?`. One character outside it would make the whole SMS UCS-2, and so
 * fit less than half as much in a segment.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text) {
    if (GSM_BASIC.has(char) || GSM_EXTENDED.has(char)) out += char;
    else if (lookalikes[char] !== undefined) out += lookalikes[char];
    else {
      const plain = char.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...plain].every((c) => GSM_BASIC.has(c)) && plain !== '' ? plain : '?';
    }
  }
  return out;
}

/** Septets a GSM-7 text takes. */
export const septets = (text: string) => [...text].reduce((n, c) => n + (GSM_EXTENDED.has(c) ? 2 : 1), 0);

function clip(text: string, max: number): string {
  if (septets(text) <= max) return text;
  let out = '';
  for (const char of text) {
    if (septets(out) + septets(char) > max - 3) break;
    out += char;
  }
  return `${out}...`;
}

/**
 * The SMS for an alert, within two GSM-7 segments: the title first, the cause and duration, the
 * acknowledge link and the monitor's link. What does not fit is clipped from the words, never
 * from a link; the monitor's link goes first when even the links alone are too long.
 */
export function smsText(m: AlertMessage): string {
  const words = toGsm7([m.title, m.cause, m.duration].filter(Boolean).join('\n'));
  const ack = m.ackLink ? `Ack: ${m.ackLink}` : null;
  for (const links of [[ack, m.link], [ack], [m.link], []]) {
    const tail = toGsm7(links.filter(Boolean).join('\n'));
    const room = SMS_MAX_SEPTETS - septets(tail) - (tail ? 1 : 0);
    if (room < 24) continue;
    return [clip(words, room), tail].filter(Boolean).join('\n');
  }
  return clip(words, SMS_MAX_SEPTETS);
}
