'use client';

import type { CreateMonitor } from '@sentinelmesh/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CheckResultItem, Incident, Monitor, Page } from './api-types';
import { useAuth } from './auth';

/** Dashboards poll; a hidden tab stops polling and catches up when it is shown again. */
export const POLL_INTERVAL_MS = 10_000;
const polling = { refetchInterval: POLL_INTERVAL_MS, refetchIntervalInBackground: false } as const;

export const MONITOR_LIST_LIMIT = 200;
export const RESULTS_LIMIT = 50;

export const queryKeys = {
  monitors: ['monitors'] as const,
  monitor: (id: string) => ['monitors', id] as const,
  results: (id: string) => ['monitors', id, 'results'] as const,
  incidents: (monitorId: string) => ['incidents', { monitorId }] as const,
};

function useSignedInSession() {
  const { state, session } = useAuth();
  return { session, enabled: state.status === 'signed-in' };
}

export function useMonitors() {
  const { session, enabled } = useSignedInSession();
  return useQuery({
    queryKey: queryKeys.monitors,
    queryFn: ({ signal }) =>
      session.request<Page<Monitor>>('/v1/monitors', { query: { limit: MONITOR_LIST_LIMIT }, signal }),
    enabled,
    ...polling,
  });
}

export function useMonitor(id: string) {
  const { session, enabled } = useSignedInSession();
  return useQuery({
    queryKey: queryKeys.monitor(id),
    queryFn: ({ signal }) => session.request<Monitor>(`/v1/monitors/${encodeURIComponent(id)}`, { signal }),
    enabled,
    ...polling,
  });
}

export function useMonitorResults(id: string) {
  const { session, enabled } = useSignedInSession();
  return useQuery({
    queryKey: queryKeys.results(id),
    queryFn: ({ signal }) =>
      session.request<Page<CheckResultItem>>(`/v1/monitors/${encodeURIComponent(id)}/results`, {
        query: { limit: RESULTS_LIMIT },
        signal,
      }),
    enabled,
    ...polling,
  });
}

export function useMonitorIncidents(monitorId: string) {
  const { session, enabled } = useSignedInSession();
  return useQuery({
    queryKey: queryKeys.incidents(monitorId),
    queryFn: ({ signal }) =>
      session.request<Page<Incident>>('/v1/incidents', { query: { monitorId }, signal }),
    enabled,
    ...polling,
  });
}

export function useCreateMonitor() {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateMonitor) =>
      session.request<Monitor>('/v1/monitors', { method: 'POST', body: input }),
    onSuccess: (monitor) => {
      queryClient.setQueryData(queryKeys.monitor(monitor.id), monitor);
      return queryClient.invalidateQueries({ queryKey: queryKeys.monitors, exact: true });
    },
  });
}
