'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest, type HttpMethod } from './api-client';
import type {
  Alert,
  ApiKey,
  Channel,
  EscalationPolicy,
  Location,
  MaintenanceWindow,
  Member,
  Monitor,
  MonitorGroup,
  OnCallShift,
  Page,
  Probe,
  PublicStatusPage,
  Rotation,
  RotationOverride,
  StatusPage,
} from './api-types';
import { useAuth } from './auth';
import { useApiQuery } from './queries';

export const orgKeys = {
  channels: ['channels'] as const,
  alerts: (filters: Record<string, string | undefined>) => ['alerts', filters] as const,
  maintenance: ['maintenance-windows'] as const,
  apiKeys: ['api-keys'] as const,
  members: ['members'] as const,
  statusPages: ['status-pages'] as const,
  locations: ['locations'] as const,
  probes: ['probes'] as const,
  groups: ['monitor-groups'] as const,
  allMonitors: ['monitors', 'list', 'names'] as const,
  rotations: ['oncall-rotations'] as const,
  escalationPolicies: ['escalation-policies'] as const,
};

export const useChannels = () => useApiQuery<Page<Channel>>(orgKeys.channels, '/v1/channels', { limit: 200 });
export const useAlerts = (filters: { incidentId?: string; monitorId?: string } = {}) =>
  useApiQuery<Page<Alert>>(orgKeys.alerts(filters), '/v1/alerts', {
    ...filters,
    recipients: 'all',
    limit: 100,
  });
export const useMaintenanceWindows = () =>
  useApiQuery<Page<MaintenanceWindow>>(orgKeys.maintenance, '/v1/maintenance-windows', { limit: 200 });
export const useEscalationPolicies = () =>
  useApiQuery<Page<EscalationPolicy>>(orgKeys.escalationPolicies, '/v1/escalation-policies', { limit: 200 });
export const useApiKeys = () => useApiQuery<Page<ApiKey>>(orgKeys.apiKeys, '/v1/api-keys', { limit: 200 });
export const useMembers = () => useApiQuery<Page<Member>>(orgKeys.members, '/v1/members', { limit: 200 });
export const useStatusPages = () =>
  useApiQuery<Page<StatusPage>>(orgKeys.statusPages, '/v1/status-pages', { limit: 200 });

export const useMonitorGroups = () =>
  useApiQuery<Page<MonitorGroup>>(orgKeys.groups, '/v1/monitor-groups', { limit: 200 });
/** The first 200 monitors, for pickers (parents, group members). */
export const usePickableMonitors = () =>
  useApiQuery<Page<Monitor>>(orgKeys.allMonitors, '/v1/monitors', { limit: 200 });
export const useRotations = () =>
  useApiQuery<Page<Rotation>>(orgKeys.rotations, '/v1/oncall-rotations', { limit: 200 });
export const useRotationSchedule = (id: string) =>
  useApiQuery<{ now: string; shifts: OnCallShift[] }>(
    [...orgKeys.rotations, id, 'schedule'],
    `/v1/oncall-rotations/${encodeURIComponent(id)}/schedule`,
  );
export const useRotationOverrides = (id: string) =>
  useApiQuery<Page<RotationOverride>>(
    [...orgKeys.rotations, id, 'overrides'],
    `/v1/oncall-rotations/${encodeURIComponent(id)}/overrides`,
    { limit: 200 },
  );

export const useLocations = () => useApiQuery<{ items: Location[] }>(orgKeys.locations, '/v1/locations');
/** Polled: last seen, lag and checks/s move while the page is open. */
export const useProbes = () =>
  useApiQuery<{ items: Probe[] }>(orgKeys.probes, '/v1/probes', undefined, { poll: true });

/** A write to the API that refreshes the lists it changes. */
export function useApiMutation<TInput, TOutput = unknown>(
  method: HttpMethod,
  path: (input: TInput) => string,
  invalidates: readonly (readonly unknown[])[],
  body: (input: TInput) => unknown = (input) => input,
) {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TInput) =>
      session.request<TOutput>(path(input), {
        method,
        body: method === 'DELETE' || method === 'GET' ? undefined : body(input),
      }),
    onSuccess: () => Promise.all(invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export const byId = (prefix: string) => (input: { id: string }) =>
  `${prefix}/${encodeURIComponent(input.id)}`;

/** The public status page: no session, no token. */
export async function fetchPublicStatusPage(slug: string): Promise<PublicStatusPage> {
  return apiRequest<PublicStatusPage>(`/v1/public/status-pages/${encodeURIComponent(slug)}`);
}
