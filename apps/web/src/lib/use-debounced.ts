'use client';

import { useEffect, useState } from 'react';

/** `value`, once it has stopped changing for `ms`: typing stays instant, the network sees one query. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
