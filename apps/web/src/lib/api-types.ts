import type {
  CheckDetail,
  CheckError,
  CheckKind,
  CheckPhases,
  FailedAssertion,
  Monitor,
  Role,
} from '@sentinelmesh/core';
import type { PublicPageIncident } from './status-page-comm';

// Response shapes of docs/api.md, as the dashboard reads them.

export type { Monitor, Role };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
}

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

export interface Membership extends Organization {
  role: Role;
}

export interface Me {
  user: User;
  organization: Organization;
  role: Role;
  /** Every organization the user belongs to. */
  organizations: Membership[];
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
  /** The type's own measures beyond the phases, in order; empty when it reports none. */
  details: CheckDetail[];
  /** Arrived after its slot was judged without it: kept and counted, never judged. */
  late: boolean;
  /** A screenshot of the page is stored with it (a failed browser check). */
  screenshot?: boolean;
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
  acknowledger: Acknowledger | null;
  note: string | null;
  /** Why its alerts were held (`parent "X" is down`); null when they never were. */
  suppressedBy?: string | null;
  /** When held alerts went out because the parent recovered first. */
  releasedAt?: string | null;
}

export interface IncidentDetail extends Incident {
  monitor: { id: string; name: string };
  durationSeconds: number;
  explanation: { text: string; failedRules: string[]; errors: string[]; regions: string[] } | null;
  noteUpdatedAt: string | null;
  noteUpdatedBy: string | null;
  timeline: { results: CheckResultItem[]; alerts: Alert[]; events: TimelineEvent[] };
}

export interface Acknowledger {
  kind: 'user' | 'apiKey' | 'channel';
  id: string | null;
  name: string;
}

export interface RegionOutcome {
  region: string;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  cause: string | null;
}

/** One entry of an incident's timeline (GET /v1/incidents/:id). */
export type TimelineEvent =
  | {
      type: 'first_failure' | 'confirmation';
      at: string;
      scheduledAt: string;
      kind: 'scheduled' | 'confirmation';
      failedRegions: number;
      totalRegions: number;
      regions: RegionOutcome[];
    }
  | { type: 'opened'; at: string; cause: string | null }
  | {
      type: 'alert';
      at: string;
      alertId: string;
      event: string;
      /** Null for an email to a member (see `recipient`). */
      channel: { id: string; name: string | null; type: string | null } | null;
      recipient?: AlertRecipient;
      status: 'pending' | 'sent' | 'failed' | 'suppressed';
      attempts: number;
      sentAt: string | null;
      lastError: string | null;
      lastStatusCode: number | null;
    }
  | { type: 'acknowledged'; at: string; by: Acknowledger | null }
  | { type: 'resolved'; at: string; durationSeconds: number };

export type StatsWindow = '1h' | '3h' | '6h' | '24h' | '7d' | '30d' | '90d';

/** A named window ending now, or a custom range. */
export type StatsRange = StatsWindow | { from: string; to: string };

/** One check of a short range: a point on the chart. */
export interface StatsPoint {
  at: string;
  region: string;
  kind: 'scheduled' | 'confirmation';
  ok: boolean;
  latencyMs: number | null;
}

export interface MonitorStats {
  window: StatsWindow | 'custom';
  from: string;
  to: string;
  /** null without data (no checks yet, gaps, all maintenance): shown as no data, never as 100 %. */
  uptimePercent: number | null;
  checks: number;
  failedChecks: number;
  incidents: number;
  downtimeSeconds: number;
  measuredSeconds: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  series: {
    at: string;
    uptimePercent: number | null;
    p50: number | null;
    p95: number | null;
    checks: number;
    failedChecks: number;
  }[];
  incidentSpans: { id: string; openedAt: string; resolvedAt: string | null }[];
  /** Each check for ranges up to 24 h when asked for; null otherwise. */
  points: StatsPoint[] | null;
}

/** What the API says of a resource a sentinelmesh.yaml may declare (docs/monitoring-as-code.md). */
export interface Managed {
  key: string | null;
  managed: boolean;
}

export interface Channel extends Managed {
  id: string;
  /** A type of the channel registry (`ChannelTypeName`), or one this dashboard does not know yet. */
  type: string;
  name: string;
  config: Record<string, unknown>;
  /** Linked to every monitor created without an explicit channel list. */
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Who an alert went to: a channel, or a member by email (its name: the member's email). */
export interface AlertRecipient {
  type: 'channel' | 'member';
  id: string;
  name: string | null;
}

export interface Alert {
  id: string;
  incidentId: string | null;
  /** Null for a test alert. */
  monitorId: string | null;
  monitorName: string | null;
  /** Null for an escalation's email to a member (see `recipient`). */
  channelId: string | null;
  recipient?: AlertRecipient;
  event: string;
  status: 'pending' | 'sent' | 'failed' | 'suppressed';
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
}

export interface MaintenanceRecurrence {
  rrule: string;
  timeZone: string;
  durationMinutes: number;
}

export interface MaintenanceWindow extends Managed {
  id: string;
  name: string;
  monitorIds: string[];
  startsAt: string;
  /** null only for a recurring series without an end. */
  endsAt: string | null;
  recurrence?: MaintenanceRecurrence | null;
  /** The running occurrence first, then the next ones. */
  nextOccurrences?: { startsAt: string; endsAt: string }[];
  status?: 'scheduled' | 'active' | 'ended';
}

export interface MonitorGroup extends Managed {
  id: string;
  name: string;
  alertAsOne: boolean;
  monitorIds: string[];
  status: 'up' | 'down';
  incident: { id: string; openedAt: string; cause: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface OnCallShift {
  userId: string;
  shiftStart: string;
  shiftEnd: string;
  overrideId: string | null;
}

export interface Rotation extends Managed {
  id: string;
  name: string;
  cadence: 'daily' | 'weekly';
  handoffTime: string;
  handoffWeekday: number | null;
  timeZone: string;
  startsAt: string;
  memberIds: string[];
  onCall: OnCallShift | null;
}

export interface RotationOverride {
  id: string;
  rotationId: string;
  userId: string;
  startsAt: string;
  endsAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  keyHint?: string;
  lastUsedAt?: string | null;
  /** Only in the create response. */
  key?: string;
}

export interface Member {
  userId: string;
  email: string;
  role: Role;
  joinedAt?: string;
}

export interface StatusPageLink {
  label: string;
  url: string;
}

export interface StatusPageComponent {
  id?: string;
  name: string;
  description: string | null;
  monitorIds: string[];
}

export interface StatusPageBranding {
  description: string | null;
  logoUrl: string | null;
  brandColor: string | null;
  footerText: string | null;
  links: StatusPageLink[];
}

export interface StatusPage extends StatusPageBranding, Managed {
  id: string;
  slug: string;
  title: string;
  monitorIds: string[];
  components: StatusPageComponent[];
  customDomain: string | null;
  badgesEnabled: boolean;
}

/** What a status page shows for a monitor or a component. */
export type ShownState = 'up' | 'degraded' | 'down' | 'maintenance' | 'paused' | 'pending';

export interface PublicStatusComponent {
  id: string;
  name: string;
  description: string | null;
  state: ShownState;
  uptimePercent: number | null;
  uptime90d: { date: string; uptimePercent: number | null }[];
  monitors: {
    id: string;
    name: string;
    state: ShownState;
    uptimePercent: number | null;
    uptime90d: { date: string; uptimePercent: number | null }[];
  }[];
}

export interface PublicStatusMonitor {
  id: string;
  name: string;
  status: string;
  /** Oldest first; null for a day without data. */
  uptime90d: { date: string; uptimePercent: number | null }[];
  /** Over the 90 days, counting only time with data; null without data. */
  uptimePercent: number | null;
  /** Where the data of the 90 days begins. */
  dataSince: string | null;
  state: ShownState;
}

export interface PublicMaintenanceOccurrence {
  windowId: string;
  name: string;
  startsAt: string;
  endsAt: string;
  monitorIds: string[];
}

export interface PublicStatusPage {
  slug: string;
  title: string;
  status: 'operational' | 'degraded' | 'down';
  monitors: PublicStatusMonitor[];
  components: PublicStatusComponent[];
  branding: StatusPageBranding;
  /** Open incidents posted on the page, newest first. */
  incidents?: PublicPageIncident[];
  maintenance?: { active: PublicMaintenanceOccurrence[]; upcoming: PublicMaintenanceOccurrence[] };
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
  invitedBy?: { id: string; email: string } | null;
}

/** `GET /v1/invitations/:token`: what the holder of an invitation link is about to accept. */
export interface InvitationPreview {
  organization: { id: string; name: string };
  email: string;
  role: Role;
  expiresAt: string;
}

export interface AcceptedInvitation extends AuthResponse {
  role: Role;
}

/** `GET /v1/regions`: a region the organization's monitors use; `since` is its latest notice. */
export interface RegionStatus {
  region: string;
  status: 'live' | 'degraded';
  since: string | null;
}

export interface Usage {
  /** `null`: no limit. */
  limits: {
    monitors: number | null;
    minIntervalSeconds: number | null;
    checksPerSecond: number | null;
    channels: number | null;
    testAlertsPerMinute: number | null;
    emailRecipientsPerChannel: number | null;
  };
  usage: { monitors: number; checksPerSecond: number; channels: number };
}

/** `GET /v1/me/invitations`: a pending invitation addressed to the signed-in user. */
export interface MyInvitation {
  id: string;
  organization: { id: string; name: string };
  role: Role;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

/** The first delivery attempt of a test alert, as POST /v1/channels/:id/test reports it. */
export interface TestAlertOutcome {
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptedAt: string;
}

export interface TestAlert extends Omit<Alert, 'monitorId' | 'monitorName'> {
  /** Null when the notifier made no attempt within the API's wait. */
  outcome: TestAlertOutcome | null;
}

/** A private location: a region of the organization's own, served by its probes. */
export interface Location {
  id: string;
  name: string;
  region: string;
  allowPrivateTargets: boolean;
  probes: number;
  createdAt: string;
}

export interface Probe {
  id: string;
  name: string;
  region: string;
  /** Null for a probe of a deployment region. */
  locationId: string | null;
  version: string | null;
  lastSeenAt: string | null;
  lagP99Ms: number | null;
  checksPerSecond: number | null;
  heldResults: number | null;
  droppedResults: number | null;
  status: 'online' | 'offline' | 'never_seen';
  createdAt: string;
  /** Only in the create response. */
  token?: string;
}

/** GET /v1/incidents/:id/escalation: who the incident notified, step by step, and who acknowledged. */
export interface EscalationTimeline {
  incidentId: string;
  policy: { id: string; name: string } | null;
  nextStepAt: string | null;
  nextReminderAt: string | null;
  notifications: Array<{
    alertId: string;
    at: string;
    event: string;
    step: number | null;
    round: number | null;
    reminder: number | null;
    recipient: { type: 'channel' | 'member'; id: string; name: string | null; channelType: string | null };
    status: 'pending' | 'sent' | 'failed' | 'suppressed';
    attempts: number;
    sentAt: string | null;
    lastError: string | null;
  }>;
  acknowledgement: { at: string; by: Acknowledger | null; viaLink: boolean } | null;
}

export interface EscalationPolicy extends Managed {
  id: string;
  name: string;
  steps: Array<{
    waitMinutes: number;
    targets: Array<
      | { type: 'channel'; channelId: string }
      | { type: 'member'; userId: string }
      | { type: 'rotation'; rotationId: string }
    >;
  }>;
  repeat: number;
  reminderMinutes: number | null;
  monitorIds: string[];
  createdAt: string;
  updatedAt: string;
}
