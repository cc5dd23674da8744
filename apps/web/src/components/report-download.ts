'use client';

/** Hands a fetched file to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the URL over; freeing it at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A report figure as the API gives it (four decimals for uptime), or a dash without data. */
export function figure(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined
    ? '—'
    : `${value.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${unit}`;
}
