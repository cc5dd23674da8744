import { EMPTY, formatDateTime, formatRelative } from '../lib/format';

/** A relative time ("2 min ago") that still tells the exact moment on hover and to assistive tech. */
export function TimeAgo({ iso, now }: { iso: string | null | undefined; now: number }) {
  if (!iso) return <>{EMPTY}</>;
  const exact = formatDateTime(iso);
  return (
    <time dateTime={iso} title={exact}>
      {formatRelative(iso, now)}
    </time>
  );
}
