import { z } from 'zod';

/** The stable name a file gives a resource, unique per organization and kind. */
export const resourceKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,99}$/,
    'a key is 1-100 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );
