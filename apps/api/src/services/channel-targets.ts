import { type ChannelTypeName, channelType, type FieldProblem } from '@sentinelmesh/core';
import { BlockedTargetError, obviouslyPrivateHost, resolveTarget } from '@sentinelmesh/platform';
import type { ApiConfig } from '../context';
import { apiErrors } from '../errors';

/** How long a create or patch waits for DNS; no answer in time leaves it to the delivery-time guard. */
const RESOLVE_TIMEOUT_MS = 3_000;

/** Why `url` must not be a delivery target, or null: the same guard as delivery, DNS included. */
async function privateReason(url: string): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null; // the schema reports a malformed URL
  }
  const plain = obviouslyPrivateHost(host);
  if (plain) return plain;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), RESOLVE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([resolveTarget(host, { allowPrivate: false }).then(() => null), timeout]);
  } catch (error) {
    // A name that does not resolve today is no private target; delivery re-checks every attempt.
    return error instanceof BlockedTargetError ? error.message.replace(/; private targets.*$/, '') : null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Refuses channel URLs (each type's `targetFields`) that lead to private, loopback or link-local addresses when the
 * deployment does not allow private targets: a 400 naming `config.<field>`, at create and patch.
 */
export async function assertPublicChannelTargets(
  type: ChannelTypeName,
  config: Record<string, unknown>,
  settings: Pick<ApiConfig, 'ALLOW_PRIVATE_TARGETS'>,
): Promise<void> {
  if (settings.ALLOW_PRIVATE_TARGETS) return;
  const problems: FieldProblem[] = [];
  // The settings naming a URL we will POST to (PagerDuty's is the deployment's).
  for (const field of channelType(type).targetFields) {
    const value = config[field];
    if (typeof value !== 'string') continue;
    const reason = await privateReason(value);
    if (reason) {
      problems.push({
        path: `config.${field}`,
        message: `must be a public address: ${reason}, and this deployment does not allow private targets`,
      });
    }
  }
  if (problems.length > 0) throw apiErrors.invalidChannelSettings(type, problems);
}
