import type { CheckError, CheckKind, CheckPhases, FailedAssertion, Monitor } from '@sentinelmesh/core';

// Response shapes of /work/shared/API.md, as the dashboard reads them.

export type { Monitor };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
}

export type Role = 'viewer' | 'member' | 'admin' | 'owner';

export interface AuthResponse {
  accessToken: string;
  expiresIn: number;
  user: User;
  organization: Organization;
}

export interface RefreshResponse {
  accessToken: string;
  expiresIn: number;
}

export interface Me {
  user: User;
  organization: Organization;
  role: Role;
}

export interface CheckResultItem {
  scheduledAt: string;
  checkedAt: string;
  region: string;
  kind: CheckKind;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  phases: CheckPhases;
  certExpiresAt: string | null;
  error: CheckError | null;
  failedAssertions: FailedAssertion[];
}

export interface Incident {
  id: string;
  monitorId: string;
  status: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  cause: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}
