'use client';

import { useQuery } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type { Page } from './api-types';
import { useApiMutation } from './org-queries';
import { useApiQuery } from './queries';

export type PageIncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type PageIncidentImpact = 'degraded' | 'partial_outage' | 'major_outage';

export const incidentStatusLabels: Record<PageIncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const impactLabels: Record<PageIncidentImpact, string> = {
  degraded: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export interface PublicIncidentUpdate {
  id: string;
  status: PageIncidentStatus;
  message: string;
  at: string;
}

/** An incident as the public page and history show it: updates newest first. */
export interface PublicPageIncident {
  id: string;
  title: string;
  status: PageIncidentStatus;
  impact: PageIncidentImpact;
  componentIds: string[];
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  updates: PublicIncidentUpdate[];
}

/** GET /v1/status-pages/:id/incidents: updates oldest first, with their authors. */
export interface PageIncident extends PublicPageIncident {
  statusPageId: string;
  incidentId: string | null;
  updates: (PublicIncidentUpdate & { authorUserId: string | null })[];
}

export interface Subscriber {
  id: string;
  kind: 'email' | 'webhook';
  email: string | null;
  webhookUrl: string | null;
  confirmed: boolean;
  confirmedAt: string | null;
  createdAt: string;
}

const pagePath = (pageId: string) => `/v1/status-pages/${encodeURIComponent(pageId)}`;
export const commKeys = {
  incidents: (pageId: string) => ['status-pages', pageId, 'incidents'] as const,
  subscribers: (pageId: string) => ['status-pages', pageId, 'subscribers'] as const,
};

export const usePageIncidents = (pageId: string) =>
  useApiQuery<Page<PageIncident>>(commKeys.incidents(pageId), `${pagePath(pageId)}/incidents`, { limit: 50 });

export const useSubscribers = (pageId: string) =>
  useApiQuery<Page<Subscriber>>(commKeys.subscribers(pageId), `${pagePath(pageId)}/subscribers`, {
    limit: 200,
  });

export const usePostIncident = (pageId: string) =>
  useApiMutation<Record<string, unknown>>('POST', () => `${pagePath(pageId)}/incidents`, [
    commKeys.incidents(pageId),
  ]);

export const usePostUpdate = (pageId: string) =>
  useApiMutation<{ incidentId: string; status: PageIncidentStatus; message: string }>(
    'POST',
    (input) => `${pagePath(pageId)}/incidents/${encodeURIComponent(input.incidentId)}/updates`,
    [commKeys.incidents(pageId)],
    ({ status, message }) => ({ status, message }),
  );

export const useDeleteSubscriber = (pageId: string) =>
  useApiMutation<{ id: string }>(
    'DELETE',
    (input) => `${pagePath(pageId)}/subscribers/${encodeURIComponent(input.id)}`,
    [commKeys.subscribers(pageId)],
  );

const publicPath = (slug: string) => `/v1/public/status-pages/${encodeURIComponent(slug)}`;

/** The page's Atom feed, through the dashboard's /api proxy. */
export const feedUrl = (slug: string) => `/api${publicPath(slug)}/feed.atom`;

export function usePublicHistory(slug: string, cursor: string | null) {
  return useQuery({
    queryKey: ['public-status', slug, 'history', cursor],
    queryFn: () =>
      apiRequest<Page<PublicPageIncident>>(`${publicPath(slug)}/history`, {
        query: { limit: 20, ...(cursor ? { cursor } : {}) },
      }),
  });
}

export const subscribe = (slug: string, email: string) =>
  apiRequest<{ status: string }>(`${publicPath(slug)}/subscribers`, { method: 'POST', body: { email } });

export const confirmSubscription = (token: string) =>
  apiRequest<{ statusPage: { slug: string; title: string } }>(
    '/v1/public/status-page-subscriptions/confirm',
    {
      method: 'POST',
      body: { token },
    },
  );

export const unsubscribe = (token: string) =>
  apiRequest<{ unsubscribed: true }>('/v1/public/status-page-subscriptions/unsubscribe', {
    method: 'POST',
    body: { token },
  });
