import {
  fillMasks,
  type MonitorSecrets,
  maskSecrets,
  type StoredMonitorConfig,
  splitSecrets,
} from '@sentinelmesh/core';
import { type MonitorSecretColumns, openMonitorSecrets, type SecretBox } from '@sentinelmesh/platform';
import { apiErrors } from '../errors';

/** A configuration with real values, as the row stores it: the masked config and the sealed secrets. */
export function sealConfig(box: SecretBox, config: StoredMonitorConfig) {
  const parts = splitSecrets(config);
  return {
    config: JSON.stringify(parts.config),
    secrets: parts.secrets ? box.seal(parts.secrets) : null,
    secrets_unsealed: false,
  };
}

const invalid = (problems: Array<{ path: string; message: string }>) =>
  apiErrors.invalid('monitor', problems);

/**
 * Fills the masks a client sent back from what the row stores. A new monitor has nothing stored, so a
 * mask there is an error; an edit keeps stored values only while the URL's origin (or the fields the
 * type binds its secrets to) stays the same.
 */
export function resolveMasks(
  box: SecretBox,
  config: StoredMonitorConfig,
  stored?: MonitorSecretColumns,
): StoredMonitorConfig {
  let secrets: MonitorSecrets | null = null;
  try {
    secrets = stored ? openMonitorSecrets(box, stored) : null;
  } catch {
    // Sealed under another SECRETS_KEY: every mask then reports that nothing stands behind it.
  }
  const previous = stored ? maskSecrets(stored.config) : undefined;
  const filled = fillMasks(config, secrets, previous ? { sameOriginAs: previous.url, previous } : {});
  if (filled.problems.length > 0) throw invalid(filled.problems);
  return filled.config;
}
