import { type CertUrgency, certDaysLeft, certText, certUrgency, recentTicks } from '../lib/monitor-list';
import type { RecentChecksItem } from '../lib/monitor-list-queries';
import { RECENT_CHECKS } from '../lib/monitor-list-queries';

/** The last checks as coloured ticks, oldest left; grey is a slot with no data. */
export function RecentChecksBar({ item, name }: { item: RecentChecksItem | undefined; name: string }) {
  // Not loaded yet: an empty bar, not a row of grey "no data" ticks.
  if (!item)
    return <div className="recent-checks" role="img" aria-label={`Loading recent checks of ${name}`} />;
  const ticks = recentTicks(item?.checks ?? [], RECENT_CHECKS);
  const failed = (item?.checks ?? []).filter((c) => !c.ok).length;
  const count = item?.checks.length ?? 0;
  const summary =
    count === 0
      ? `No recent checks of ${name}`
      : `Last ${count} check${count === 1 ? '' : 's'} of ${name}: ${failed} failed`;
  return (
    <div className="recent-checks" role="img" aria-label={summary}>
      {ticks.map((tick) => (
        <span
          key={tick.key}
          className={`recent-checks__tick recent-checks__tick--${tick.state}`}
          title={tick.label}
        />
      ))}
    </div>
  );
}

const urgencyClass: Record<CertUrgency, string> = {
  ok: 'cert-expiry',
  soon: 'cert-expiry cert-expiry--soon',
  expired: 'cert-expiry cert-expiry--expired',
};

/** Days until the certificate the newest TLS check saw expires; nothing when no check saw one. */
export function CertExpiry({ expiresAt, now }: { expiresAt: string | null | undefined; now: number }) {
  const days = certDaysLeft(expiresAt ?? null, now);
  if (days === null) return null;
  return (
    <span className={urgencyClass[certUrgency(days)]} title={expiresAt ?? undefined}>
      {certText(days)}
    </span>
  );
}
