/** Runs once when the server starts: a bad API_URL stops it here, naming the variable, not on a request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { exitOnInvalidEnv } = await import('./env-check');
  exitOnInvalidEnv();
}
