import { z } from 'zod';

/** A status page's public address: /status/<slug>. */
export const statusPageSlug = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens');

export const statusPageTitle = z.string().trim().min(1).max(200);

/** At most this many monitors on one page. */
export const MAX_STATUS_PAGE_MONITORS = 100;
