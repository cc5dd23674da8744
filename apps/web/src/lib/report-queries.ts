'use client';

import { useApiQuery } from './queries';

export type ReportScope = 'monitor' | 'component' | 'organization';

export interface ReportableComponent {
  id: string;
  name: string;
  statusPageId: string;
  statusPage: string;
  monitors: number;
}

interface Latency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** GET /v1/reports/organization and the component report (JSON). */
export interface GroupReport {
  scope: 'component' | 'organization';
  subject: { id: string; name: string };
  from: string;
  to: string;
  uptimePercent: number | null;
  checks: number;
  failedChecks: number;
  downtimeSeconds: number;
  measuredSeconds: number;
  latencyMs: Latency;
  mttrSeconds: number | null;
  incidents: {
    id: string;
    monitor: string;
    openedAt: string;
    resolvedAt: string | null;
    durationSeconds: number;
  }[];
  monitors: {
    id: string;
    name: string;
    uptimePercent: number | null;
    incidents: number;
    downtimeSeconds: number;
    latencyMs: Latency;
  }[];
}

export interface ReportSubscription {
  id: string;
  scope: ReportScope;
  targetId: string | null;
  recipients: string[];
  format: 'pdf' | 'csv';
  enabled: boolean;
  lastSentMonth: string | null;
  createdAt: string;
  updatedAt: string;
}

export const reportKeys = {
  components: ['reports', 'components'] as const,
  subscriptions: ['report-subscriptions'] as const,
};

/** What a report is about: the organization, or one status page component. */
export type ReportSubject =
  | { scope: 'organization' }
  | { scope: 'component'; component: ReportableComponent };

/** The API path of a subject's report. */
export function reportPath(subject: ReportSubject): string {
  if (subject.scope === 'organization') return '/v1/reports/organization';
  const { statusPageId, id } = subject.component;
  return `/v1/status-pages/${encodeURIComponent(statusPageId)}/components/${encodeURIComponent(id)}/report`;
}

/** The calendar month (UTC) before the current one, `YYYY-MM`: the latest complete month. */
export function lastMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

export const useReportableComponents = () =>
  useApiQuery<{ items: ReportableComponent[] }>(reportKeys.components, '/v1/reports/components');

export const useGroupReport = (subject: ReportSubject, month: string) =>
  useApiQuery<GroupReport>(
    ['reports', subject.scope, subject.scope === 'component' ? subject.component.id : 'org', month],
    reportPath(subject),
    { month },
    { poll: false, enabled: /^\d{4}-\d{2}$/.test(month) },
  );

export const useReportSubscriptions = (enabled: boolean) =>
  useApiQuery<{ items: ReportSubscription[] }>(
    reportKeys.subscriptions,
    '/v1/report-subscriptions',
    { limit: 200 },
    { enabled },
  );
