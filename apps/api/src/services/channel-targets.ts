import { type ChannelTypeName, channelType, channelTypeNames, type FieldProblem } from '@sentinelmesh/core';
import { BlockedTargetError, obviouslyPrivateHost, resolveTarget } from '@sentinelmesh/platform';
import type { ApiConfig } from '../context';
import { apiErrors } from '../errors';

/** How long a create or patch waits for DNS; no answer in time leaves it to the delivery-time guard. */
const RESOLVE_TIMEOUT_MS = 3_000;

/** Why `url` must not be a delivery target, or null: the same guard as delivery, DNS included. */
export async function privateReason(url: string): Promise<string | null> {
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

/** Every setting some registered channel type POSTs to. */
const anyTargetField: ReadonlySet<string> = new Set(
  channelTypeNames.flatMap((name) => channelType(name).targetFields),
);

/** Throws the 400 for a type's target fields among those screened. */
export type TargetVerdict = (type: ChannelTypeName) => void;

/**
 * Looks up, before any transaction is open (DNS is slow I/O), the URLs that `config` gives under any
 * type's `targetFields`. The verdict refuses those of the channel's own type that lead to private,
 * loopback or link-local addresses when the deployment does not allow private targets: a 400 naming
 * `config.<field>`. A patch is screened before its channel (and so its type) is read.
 */
export async function screenChannelTargets(
  config: Record<string, unknown>,
  settings: Pick<ApiConfig, 'ALLOW_PRIVATE_TARGETS'>,
): Promise<TargetVerdict> {
  const reasons = new Map<string, string>();
  if (!settings.ALLOW_PRIVATE_TARGETS) {
    // The settings naming a URL we will POST to (PagerDuty's is the deployment's).
    for (const [field, value] of Object.entries(config)) {
      if (!anyTargetField.has(field) || typeof value !== 'string') continue;
      const reason = await privateReason(value);
      if (reason) reasons.set(field, reason);
    }
  }
  return (type) => {
    const problems: FieldProblem[] = [];
    for (const field of channelType(type).targetFields) {
      const reason = reasons.get(field);
      if (!reason) continue;
      problems.push({
        path: `config.${field}`,
        message: `must be a public address: ${reason}, and this deployment does not allow private targets`,
      });
    }
    if (problems.length > 0) throw apiErrors.invalidChannelSettings(type, problems);
  };
}
