'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CheckResultItem, Monitor, Page } from './api-types';
import { useAuth } from './auth';
import type { RecentCheck } from './monitor-list';
import { polling, queryKeys, useSignedInSession } from './queries';

export type BulkAction = 'pause' | 'resume' | 'delete';

export interface BulkResult {
  action: BulkAction;
  results: Array<{
    id: string;
    outcome: 'paused' | 'resumed' | 'deleted' | 'unchanged' | 'not_found' | 'failed';
    error: string | null;
  }>;
}

export interface CheckNowAnswer {
  monitorId: string;
  scheduledAt: string;
  regions: string[];
  status: 'queued' | 'checked';
}

export interface RecentChecksItem {
  monitorId: string;
  checks: RecentCheck[];
  certExpiresAt: string | null;
}

/** Ticks per monitor in the list's recent-checks bar. */
export const RECENT_CHECKS = 30;

const listKey = [...queryKeys.monitors, 'list'] as const;

/** One request for the recent checks of every monitor shown (not one per row). */
export function useRecentChecks(ids: readonly string[]) {
  const { session, enabled } = useSignedInSession();
  const sorted = [...ids].sort();
  return useQuery({
    queryKey: [...queryKeys.monitors, 'recent-checks', sorted] as const,
    queryFn: ({ signal }) =>
      session.request<{ items: RecentChecksItem[] }>('/v1/monitors/recent-checks', {
        query: { ids: sorted.join(','), limit: RECENT_CHECKS },
        signal,
      }),
    enabled: enabled && sorted.length > 0,
    placeholderData: (previous) => previous,
    ...polling,
  });
}

export function useBulkAction() {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { action: BulkAction; ids: string[] }) =>
      session.request<BulkResult>('/v1/monitors/bulk', { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.monitors }),
  });
}

export function useCloneMonitor() {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      session.request<Monitor>(`/v1/monitors/${encodeURIComponent(id)}/clone`, { method: 'POST' }),
    onSuccess: (monitor) => {
      queryClient.setQueryData(queryKeys.monitor(monitor.id), monitor);
      return queryClient.invalidateQueries({ queryKey: listKey });
    },
  });
}

export function useCheckNow(id: string) {
  const { session } = useAuth();
  return useMutation({
    mutationFn: () =>
      session.request<CheckNowAnswer>(`/v1/monitors/${encodeURIComponent(id)}/check-now`, { method: 'POST' }),
  });
}

const SLOT_POLL_MS = 1_000;

/**
 * The results of one slot, polled every second until every region has reported it; then the
 * monitor, its results and the list are refreshed so every view shows the new check.
 */
export function useSlotResults(answer: CheckNowAnswer | undefined) {
  const { session, enabled } = useSignedInSession();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ['check-now', answer?.monitorId, answer?.scheduledAt] as const,
    queryFn: async ({ signal }) => {
      if (!answer) return [];
      const from = answer.scheduledAt;
      const to = new Date(Date.parse(from) + 1).toISOString();
      const page = await session.request<Page<CheckResultItem>>(
        `/v1/monitors/${encodeURIComponent(answer.monitorId)}/results`,
        { query: { from, to, limit: 50 }, signal },
      );
      const results = page.items.filter((r) => r.kind === 'scheduled');
      if (results.length >= answer.regions.length) {
        await queryClient.invalidateQueries({ queryKey: queryKeys.monitors });
      }
      return results;
    },
    enabled: enabled && answer !== undefined,
    refetchInterval: (query) =>
      (query.state.data?.length ?? 0) >= (answer?.regions.length ?? 0) ? false : SLOT_POLL_MS,
  });
}
