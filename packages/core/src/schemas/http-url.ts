import { z } from 'zod';

/** An absolute http:// or https:// URL with a host, as monitors and channel settings take them. */
export const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');
