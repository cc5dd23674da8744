import type { Role } from '../lib/api-types';

export const roles: { value: Role; label: string }[] = [
  { value: 'viewer', label: 'Viewer — read only' },
  { value: 'member', label: 'Member — manage monitors, channels, maintenance' },
  { value: 'admin', label: 'Admin — also members and API keys' },
  { value: 'owner', label: 'Owner — everything' },
];
