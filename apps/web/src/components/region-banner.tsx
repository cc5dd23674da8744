'use client';

import { formatDateTime } from '../lib/format';
import { useRegions } from '../lib/queries';
import { degradedRegions, formatSince } from '../lib/regions';
import { useNow } from '../lib/use-now';

/**
 * Names each region the verifier declared degraded, polled like the rest of the dashboard. The live
 * region is always rendered, so a banner appearing later is announced; it is empty while all are live.
 */
export function RegionBanner() {
  const regions = useRegions();
  const now = useNow(60_000);
  const degraded = degradedRegions(regions.data?.items);
  return (
    <div role="status">
      {degraded.length > 0 ? (
        <section className="banner banner--warning" aria-label="Degraded regions">
          {degraded.map(({ region, since }) => (
            <p key={region}>
              Region <strong>{region}</strong> is not reporting
              {since ? (
                <>
                  {' '}
                  since{' '}
                  <time dateTime={since} title={formatDateTime(since)}>
                    {formatSince(since, now)}
                  </time>
                </>
              ) : null}
              .
            </p>
          ))}
          <p className="banner__note">
            {degraded.length === 1
              ? 'Checks there are left out of verdicts until the region reports again'
              : 'Checks in these regions are left out of verdicts until each reports again'}
            ; outages are judged over the live regions.
          </p>
        </section>
      ) : null}
    </div>
  );
}
