import { channelTypesPhrase } from '../components/channel-config';
import type { Usage } from './api-types';
import { formatInterval } from './format';

export interface UsageRow {
  key: keyof Usage['limits'];
  label: string;
  /** What the limit means, in a sentence. */
  hint: string;
  /** Current use, when the limit is one the organization uses up (monitors, checks per second, channels). */
  used: number | null;
  limit: number | null;
  /** The limit as text: "50", "30 s", "no limit". */
  limitText: string;
  /** Share of the limit in use, 0–100 (capped), when there is both a use and a limit. */
  percent: number | null;
  /** What the row says: "3 of 25", "1 (no limit)", or the limit alone ("30 s"). */
  figure: string;
}

const NO_LIMIT = 'no limit';

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

export const formatAmount = (value: number): string => number.format(value);

/** The usage page's rows, in the order a person reads them: what runs, then what alerts. */
export function usageRows({ limits, usage }: Usage): UsageRow[] {
  const row = (
    key: UsageRow['key'],
    label: string,
    hint: string,
    used: number | null,
    format: (limit: number) => string = formatAmount,
  ): UsageRow => {
    const limit = limits[key];
    const limitText = limit === null ? NO_LIMIT : format(limit);
    return {
      key,
      label,
      hint,
      used,
      limit,
      limitText,
      percent: used === null || limit === null ? null : share(used, limit),
      figure: figure(used, limit, limitText),
    };
  };
  return [
    row('monitors', 'Monitors', 'Monitors in this organization, paused ones included.', usage.monitors),
    row(
      'checksPerSecond',
      'Checks per second',
      'Each active monitor adds its regions divided by its interval; heartbeats add nothing.',
      usage.checksPerSecond,
    ),
    row(
      'minIntervalSeconds',
      'Shortest check interval',
      'The smallest interval a monitor may use.',
      null,
      formatInterval,
    ),
    row('channels', 'Alert channels', `${channelTypesPhrase('and')} channels.`, usage.channels),
    row('testAlertsPerMinute', 'Test alerts per minute', 'How often “Send test” may be used.', null),
    row(
      'emailRecipientsPerChannel',
      'Email recipients per channel',
      'Addresses one email channel may send to.',
      null,
    ),
  ];
}

function figure(used: number | null, limit: number | null, limitText: string): string {
  if (used === null) return limitText;
  return limit === null ? `${formatAmount(used)} (${NO_LIMIT})` : `${formatAmount(used)} of ${limitText}`;
}

function share(used: number, limit: number): number {
  if (limit <= 0) return used > 0 ? 100 : 0;
  return Math.min(100, Math.round((used / limit) * 100));
}
