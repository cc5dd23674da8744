/** A flat two-part badge, as shields.io draws them: grey label on the left, coloured message on the right. */
export interface Badge {
  label: string;
  message: string;
  /** `#rrggbb`. */
  color: string;
}

/** shields.io's named colours, which its endpoint JSON also accepts. */
export const badgeColors = {
  brightgreen: '#4c1',
  green: '#97ca00',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  blue: '#007ec6',
  lightgrey: '#9f9f9f',
} as const;
export type BadgeColor = keyof typeof badgeColors;

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** XML 1.0 has no place for control characters other than tab, line feed and carriage return. */
const allowedInXml = (c: string) => c >= ' ' || c === '\t' || c === '\n' || c === '\r';

/** Text safe inside an XML element or attribute; control characters, which XML cannot carry, dropped. */
export function escapeXml(text: string): string {
  return [...text]
    .filter(allowedInXml)
    .join('')
    .replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** Verdana 11px averages about 7 px a character; 10 px of padding each side. */
const widthOf = (text: string) => Math.round([...text].length * 7 + 10);

export function renderBadge(badge: Badge): string {
  const label = escapeXml(badge.label);
  const message = escapeXml(badge.message);
  const color = /^#[0-9a-f]{3}(?:[0-9a-f]{3})?$/i.test(badge.color) ? badge.color : badgeColors.lightgrey;
  const left = widthOf(badge.label);
  const right = widthOf(badge.message);
  const width = left + right;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}: ${message}"><title>${label}: ${message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${color}"/><rect width="${width}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${left / 2}" y="14">${label}</text><text x="${left + right / 2}" y="14">${message}</text></g></svg>`;
}
