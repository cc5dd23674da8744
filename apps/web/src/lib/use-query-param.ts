'use client';

import { useCallback, useEffect, useState } from 'react';

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

/**
 * State that lives in the page's address (`?status=down&tag=prod`), so a reload, the back button and
 * a shared link bring it back. Read after the first render (the page stays prerenderable) and again
 * on back/forward; written with `replaceState`, so typing in a filter adds no history entries.
 * `reads` counts the times the value came from the address (0 until it has been read; then once more
 * for each back/forward), so inputs that keep their own text can take it over then, and only then.
 */
export function useSearchState<T>(
  parse: (search: string) => T,
  write: (search: string, value: T) => string,
  initial: T,
): [T, (next: T) => void, number] {
  const [state, setState] = useState<{ value: T; reads: number }>({ value: initial, reads: 0 });
  useEffect(() => {
    const read = () =>
      setState((current) => ({ value: parse(window.location.search), reads: current.reads + 1 }));
    read();
    window.addEventListener('popstate', read);
    return () => window.removeEventListener('popstate', read);
  }, [parse]);
  const update = useCallback(
    (next: T) => {
      setState((current) => ({ value: next, reads: current.reads }));
      const { pathname, search, hash } = window.location;
      const query = write(search, next);
      if (query !== search)
        window.history.replaceState(window.history.state, '', `${pathname}${query}${hash}`);
    },
    [write],
  );
  return [state.value, update, state.reads];
}
