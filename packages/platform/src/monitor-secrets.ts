import { type MonitorSecrets, type SecretFields, splitSecrets } from '@sentinelmesh/core';
import type { SecretBox } from './secrets';

/** What a monitor row keeps of its secrets: the sealed column, and a config that may predate sealing. */
export interface MonitorSecretColumns {
  config: SecretFields;
  secrets: string | null;
}

/**
 * The real values behind a monitor row's masks: the sealed ones, over any still in the clear in a
 * row written before secrets were sealed. Throws when the sealed column cannot be opened.
 */
export function openMonitorSecrets(box: SecretBox, row: MonitorSecretColumns): MonitorSecrets | null {
  const legacy = splitSecrets(row.config).secrets;
  const sealed = row.secrets ? box.open<MonitorSecrets>(row.secrets) : null;
  if (!legacy) return sealed;
  if (!sealed) return legacy;
  return {
    url: sealed.url ?? legacy.url,
    headers: { ...(legacy.headers ?? {}), ...(sealed.headers ?? {}) },
    fields: { ...(legacy.fields ?? {}), ...(sealed.fields ?? {}) },
  };
}
