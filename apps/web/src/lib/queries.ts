'use client';

import type { CreateMonitorInput, UpdateMonitor } from '@sentinelmesh/core';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { QueryParams } from './api-client';
import type {
  CheckResultItem,
  EscalationTimeline,
  Incident,
  IncidentDetail,
  Monitor,
  MonitorStats,
  Page,
  RegionStatus,
  StatsRange,
} from './api-types';
import { useAuth } from './auth';
import { isLive } from './live';
import { MONITOR_PAGE_SIZE } from './monitor-list';

/** Dashboards poll every 10 s; a hidden tab slows to once a minute and catches up when shown again. */
export const POLL_INTERVAL_MS = 10_000;
export const HIDDEN_POLL_INTERVAL_MS = 60_000;

/** With the live event stream open, polling is only a safety net (lib/live.tsx refreshes on events). */
export const LIVE_POLL_INTERVAL_MS = 30_000;

export function pollInterval(): number {
  if (isLive()) return LIVE_POLL_INTERVAL_MS;
  return typeof document !== 'undefined' && document.visibilityState === 'hidden'
    ? HIDDEN_POLL_INTERVAL_MS
    : POLL_INTERVAL_MS;
}

export const polling = { refetchInterval: pollInterval, refetchIntervalInBackground: true } as const;

export const RESULTS_LIMIT = 50;

export interface MonitorFilters {
  status?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
}

export const queryKeys = {
  monitors: ['monitors'] as const,
  monitorList: (filters: MonitorFilters) => ['monitors', 'list', filters] as const,
  monitor: (id: string) => ['monitors', id] as const,
  results: (id: string) => ['monitors', id, 'results'] as const,
  stats: (id: string, range: StatsRange) => ['monitors', id, 'stats', range] as const,
  incidents: (filters: Record<string, string | undefined>) => ['incidents', filters] as const,
  incident: (id: string) => ['incidents', 'one', id] as const,
  escalation: (id: string) => ['incidents', 'escalation', id] as const,
  regions: ['regions'] as const,
};

export function useSignedInSession() {
  const { state, session } = useAuth();
  return { session, enabled: state.status === 'signed-in' };
}

/** A polled GET of one API path, enabled once signed in. */
export function useApiQuery<T>(
  key: readonly unknown[],
  path: string,
  query?: QueryParams,
  options: { poll?: boolean; enabled?: boolean; refetchInterval?: number; as?: 'json' | 'blob' } = {},
) {
  const { session, enabled } = useSignedInSession();
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      session.request<T>(path, { query, signal, ...(options.as ? { as: options.as } : {}) }),
    enabled: enabled && (options.enabled ?? true),
    ...(options.poll === false ? {} : polling),
    ...(options.refetchInterval ? { refetchInterval: options.refetchInterval } : {}),
  });
}

/** Server-side filtered, cursor-paged monitor list: 10,000 monitors cost one page at a time. */
export function useMonitorList(filters: MonitorFilters, options: { enabled?: boolean } = {}) {
  const { session, enabled } = useSignedInSession();
  return useInfiniteQuery({
    queryKey: queryKeys.monitorList(filters),
    queryFn: ({ signal, pageParam }) =>
      session.request<Page<Monitor>>('/v1/monitors', {
        query: { ...filters, limit: MONITOR_PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled: enabled && (options.enabled ?? true),
    ...polling,
  });
}

export function useMonitor(id: string) {
  return useApiQuery<Monitor>(queryKeys.monitor(id), `/v1/monitors/${encodeURIComponent(id)}`);
}

export function useMonitorResults(id: string) {
  return useApiQuery<Page<CheckResultItem>>(
    queryKeys.results(id),
    `/v1/monitors/${encodeURIComponent(id)}/results`,
    { limit: RESULTS_LIMIT },
  );
}

/**
 * A monitor's statistics. Every window polls as often as the monitor and its results do, so the figures
 * never lag the checks and incidents shown beside them; a custom range is fixed and not polled.
 */
export function useMonitorStats(
  id: string,
  range: StatsRange,
  options: { enabled?: boolean; points?: boolean } = {},
) {
  const points = options.points ? { points: 'true' } : {};
  return useApiQuery<MonitorStats>(
    [...queryKeys.stats(id, range), options.points === true],
    `/v1/monitors/${encodeURIComponent(id)}/stats`,
    typeof range === 'string' ? { window: range, ...points } : { ...range, ...points },
    { enabled: options.enabled ?? true, ...(typeof range === 'string' ? {} : { poll: false }) },
  );
}

export function useIncidents(filters: { monitorId?: string; status?: 'open' | 'resolved' }) {
  return useApiQuery<Page<Incident>>(queryKeys.incidents(filters), '/v1/incidents', {
    ...filters,
    limit: 100,
  });
}

export function useIncident(id: string) {
  return useApiQuery<IncidentDetail>(queryKeys.incident(id), `/v1/incidents/${encodeURIComponent(id)}`);
}

export function useEscalationTimeline(id: string) {
  return useApiQuery<EscalationTimeline>(
    queryKeys.escalation(id),
    `/v1/incidents/${encodeURIComponent(id)}/escalation`,
  );
}

export function useRegions() {
  return useApiQuery<{ items: RegionStatus[] }>(queryKeys.regions, '/v1/regions');
}

export function useCreateMonitor() {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateMonitorInput) =>
      session.request<Monitor>('/v1/monitors', { method: 'POST', body: input }),
    onSuccess: (monitor) => {
      queryClient.setQueryData(queryKeys.monitor(monitor.id), monitor);
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.monitors, 'list'] });
    },
  });
}

export function useUpdateMonitor(id: string) {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: UpdateMonitor) =>
      session.request<Monitor>(`/v1/monitors/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: (monitor) => {
      queryClient.setQueryData(queryKeys.monitor(monitor.id), monitor);
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.monitors, 'list'] });
    },
  });
}

export function useDeleteMonitor(id: string) {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => session.request<void>(`/v1/monitors/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.monitor(id) });
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.monitors, 'list'] });
    },
  });
}

/** How many incidents are open, for the navigation's badge; `more` when there are over a page of them. */
export function useOpenIncidentCount() {
  const query = useApiQuery<Page<Incident>>(['incidents', 'open-count'], '/v1/incidents', {
    status: 'open',
    limit: 100,
  });
  return query.data ? { count: query.data.items.length, more: query.data.nextCursor !== null } : null;
}

export function useAcknowledgeIncident() {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      session.request<Incident>(`/v1/incidents/${encodeURIComponent(id)}/acknowledge`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['incidents'] }),
  });
}

export function useUpdateIncidentNote(id: string) {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (note: string | null) =>
      session.request<IncidentDetail>(`/v1/incidents/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: { note },
      }),
    onSuccess: (incident) => {
      queryClient.setQueryData(queryKeys.incident(id), incident);
      return queryClient.invalidateQueries({ queryKey: ['incidents'] });
    },
  });
}
