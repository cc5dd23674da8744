/** Id fields an API body (or an older export) has where a file names entries by key: what to write instead. */
const byKind: Record<string, Record<string, string>> = {
  monitors: {
    channelIds: 'name the channels by their keys in `channels`',
    groupId: 'name the group by its key in `group`',
    escalationPolicyId: 'name the escalation policy by its key in `escalationPolicy`',
  },
  'monitors.dependsOn': {
    monitorIds: 'name the parent monitors by their keys in `dependsOn.monitors`',
    groupIds: 'name the parent groups by their keys in `dependsOn.groups`',
  },
  maintenanceWindows: { monitorIds: 'name the monitors by their keys in `monitors`' },
  statusPages: { monitorIds: 'name the monitors by their keys in `monitors`' },
  'statusPages.components': { monitorIds: 'name the monitors by their keys in `monitors`' },
};

/**
 * For a field a file entry does not take, at `path` (e.g. `monitors.3`), the message that says what
 * to write instead, or undefined for a field that never had a meaning.
 */
export function retiredFieldMessage(path: readonly PropertyKey[], field: string): string | undefined {
  const [kind, , ...rest] = path;
  const where = [kind, ...rest.filter((p) => typeof p === 'string')].map(String).join('.');
  const instead = byKind[where]?.[field];
  if (!instead) return undefined;
  const shown = where.includes('.') ? `${where.split('.').slice(1).join('.')}.${field}` : field;
  return `\`${shown}\` is no longer read: ${instead}`;
}
