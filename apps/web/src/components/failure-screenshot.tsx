'use client';

import { useEffect, useState } from 'react';
import type { CheckResultItem } from '../lib/api-types';
import { useApiQuery } from '../lib/queries';

/** The page as a failed browser check left it, for the latest result when it has a screenshot. */
export function FailureScreenshot({
  monitorId,
  result,
}: {
  monitorId: string;
  result: CheckResultItem | undefined;
}) {
  const wanted = Boolean(result && !result.ok && result.screenshot);
  const query = { scheduledAt: result?.scheduledAt, region: result?.region, kind: result?.kind };
  const png = useApiQuery<Blob>(
    ['monitors', monitorId, 'screenshot', query.scheduledAt, query.region, query.kind],
    `/v1/monitors/${monitorId}/results/screenshot`,
    query,
    { poll: false, enabled: wanted, as: 'blob' },
  );
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted || !png.data) return;
    const url = URL.createObjectURL(png.data);
    setSrc(url);
    return () => {
      URL.revokeObjectURL(url);
      setSrc(null);
    };
  }, [wanted, png.data]);
  if (!wanted || !src || !result) return null;
  return (
    <section aria-labelledby="screenshot-title" className="section">
      <h2 id="screenshot-title">The page when the check failed</h2>
      {/* biome-ignore lint/performance/noImgElement: a blob URL of an authenticated fetch; nothing to optimize */}
      <img
        src={src}
        alt={`The page at ${new Date(result.scheduledAt).toLocaleString()} (${result.region}): ${result.error?.message ?? 'failed'}`}
        width={640}
        height={360}
        style={{ maxWidth: '100%', height: 'auto', border: '1px solid currentColor' }}
      />
    </section>
  );
}
