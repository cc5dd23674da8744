/** Only same-site paths: `?next=//evil.example` must not become an open redirect. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** Where to go after signing in; read on demand so the sign-in pages can be prerendered. */
export function nextPathFromLocation(): string {
  return safeNextPath(new URLSearchParams(window.location.search).get('next'));
}

export function loginPath(returnTo: string): string {
  return returnTo === '/' || returnTo === '/login' ? '/login' : `/login?next=${encodeURIComponent(returnTo)}`;
}

/** Moves keyboard focus to the first input that has an error, in form order. */
export function focusFirstError(order: readonly string[], errors: Partial<Record<string, string>>): void {
  const first = order.find((field) => errors[field] !== undefined);
  if (first) document.getElementById(first)?.focus();
}
