'use client';

import { useEffect, useState } from 'react';

/**
 * One `?name=` of the page's address, read after the first render so the page can be prerendered:
 * `undefined` until then, `null` when the address has none.
 */
export function useQueryParam(name: string): string | null | undefined {
  const [value, setValue] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    setValue(new URLSearchParams(window.location.search).get(name));
  }, [name]);
  return value;
}
