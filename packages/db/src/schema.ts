import type {
  AlertEvent,
  AlertPayload,
  AlertRoute,
  ChannelTypeName,
  CheckDetail,
  CheckPhases,
  EscalationStep,
  FailedAssertion,
  MonitorStatus,
  RegionEventName,
  Role,
  RotationCadence,
  StoredMonitorConfig,
  VerifierMemory,
} from '@sentinelmesh/core';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type { Role };

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  created_at: CreatedAt;
  email_verified_at: Timestamp | null;
  /** Bumped to revoke every access token issued before; tokens carry the generation they were issued in. */
  session_generation: Generated<number>;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  org_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  replaced_by: string | null;
}

/** `config` holds the validated monitor configuration (channel links apart); the other columns derive from it. */
export interface MonitorsTable {
  id: Generated<string>;
  org_id: string;
  config: JSONColumnType<StoredMonitorConfig>;
  name: Generated<string>;
  type: Generated<string>;
  interval_seconds: Generated<number>;
  paused: Generated<boolean>;
  /** Secret parts of the config (`MonitorSecrets`), sealed with SECRETS_KEY; `config` holds their masks. */
  secrets: string | null;
  /** Written before secrets were sealed: the API seals such rows at start-up. */
  secrets_unsealed: Generated<boolean>;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0025). */
  key: string | null;
  /** Owned by an apply from a file: the dashboard warns before editing it (migration 0025). */
  managed: Generated<boolean>;
  /** The group the monitor belongs to, if any (0024-dependencies). */
  group_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The escalation policy its incidents climb; null: its channels are alerted, as before (0022). */
  escalation_policy_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MonitorStateTable {
  monitor_id: string;
  org_id: string;
  status: MonitorStatus;
  since: Timestamp | null;
  last_checked_at: Timestamp | null;
  last_latency_ms: number | null;
  last_error: JSONColumnType<{ kind: string; message: string } | null>;
  /** The verifier's memory; `{}` for a new monitor, and older rows may lack newer fields (`readVerifierMemory`). */
  machine: JSONColumnType<Partial<VerifierMemory>>;
  /** Results up to and including this scheduled time have been consumed. */
  consumed_through: Timestamp | null;
  /** When a held verification must run again without a poke (the memory's `wakeAtMs`; 0011-verifier-clock). */
  wake_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: Timestamp;
}

export interface CheckResultsTable {
  org_id: string;
  monitor_id: string;
  scheduled_at: Timestamp;
  checked_at: Timestamp;
  region: string;
  kind: 'scheduled' | 'confirmation';
  attempt: number;
  ok: boolean;
  status_code: number | null;
  latency_ms: number | null;
  phases: JSONColumnType<CheckPhases>;
  cert_expires_at: Timestamp | null;
  error_kind: string | null;
  error_message: string | null;
  failed_assertions: JSONColumnType<FailedAssertion[]>;
  /** The type's own measures (0019-check-details); null when it reports none. */
  details: JSONColumnType<CheckDetail[] | null, string | null, string | null> | null;
}

/** What a check left beside its result, keyed like it: a failed browser check's screenshot (0021-check-artifacts). */
export interface CheckArtifactsTable {
  org_id: string;
  monitor_id: string;
  scheduled_at: Timestamp;
  region: string;
  kind: 'scheduled' | 'confirmation';
  png: Buffer;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A result that arrived after its slot was judged without it: counted late, never judged (0012-late-results). */
export interface LateResultsTable {
  org_id: string;
  monitor_id: string;
  scheduled_at: Timestamp;
  region: string;
  kind: 'scheduled' | 'confirmation';
  counted_at: CreatedAt;
}

/** What an organization was told about a region; the latest row per region is its status (0012-late-results). */
export interface RegionNoticesTable {
  id: Generated<string>;
  org_id: string;
  region: string;
  event: RegionEventName;
  created_at: CreatedAt;
}

export interface IncidentsTable {
  id: Generated<string>;
  org_id: string;
  monitor_id: string;
  status: 'open' | 'resolved';
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  cause: string | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  /** The API key that acknowledged the incident, if one did (0016-incidents). */
  acknowledged_by_api_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** A post-mortem note, at most 10,000 characters. */
  note: ColumnType<string | null, string | null | undefined, string | null>;
  note_updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  note_updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why the incident's alerts were held (`parent "X" is down`); null when they never were (0024-dependencies). */
  suppressed_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** When held alerts were let go because the parent recovered while the monitor stayed down. */
  released_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The policy this incident climbs, fixed when it opened (0022-escalation). */
  escalation_policy_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The next step to fire, counted over every round (round = position / steps). */
  escalation_position: Generated<number>;
  /** When that step is due (database clock); null: nothing left to climb. */
  escalation_next_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reminders_sent: Generated<number>;
  reminder_next_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Acknowledged through the link a channel received: that channel (null once it is deleted). */
  acknowledged_by_channel: ColumnType<string | null, string | null | undefined, string | null>;
  /** The link's recipient as it was named then (a channel's name or a member's email). */
  acknowledged_by_name: ColumnType<string | null, string | null | undefined, string | null>;
  acknowledged_by_link: Generated<boolean>;
}

export interface EscalationPoliciesTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  repeat: number;
  reminder_minutes: number | null;
  steps: JSONColumnType<EscalationStep[]>;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0030). */
  key: string | null;
  /** Owned by an apply from a file (migration 0030). */
  managed: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChannelsTable {
  id: Generated<string>;
  org_id: string;
  type: ChannelTypeName;
  name: string;
  /** Non-secret settings, returned as they are. */
  config: JSONColumnType<Record<string, unknown>>;
  /** Secret settings, AES-256-GCM encrypted JSON; null when the channel has none. */
  secrets: string | null;
  /** Linked to every monitor created without an explicit channel list. */
  is_default: Generated<boolean>;
  /** Set on a member's personal channel: the member it notifies (0023-oncall-rotations). */
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0025). */
  key: string | null;
  /** Owned by an apply from a file: the dashboard warns before editing it (migration 0025). */
  managed: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MonitorChannelsTable {
  org_id: string;
  monitor_id: string;
  channel_id: string;
}

export interface AlertsTable {
  id: Generated<string>;
  org_id: string;
  incident_id: string | null;
  monitor_id: string | null;
  /** The channel alerted; null when the alert is a member's email (`recipient_user_id`). */
  channel_id: string | null;
  recipient_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why an escalating incident's alert went to its recipient (0022-escalation); null otherwise. */
  route: ColumnType<AlertRoute | null, string | null | undefined, string | null>;
  event: AlertEvent;
  /** `suppressed`: held because a parent was down, or replaced by its group's alert; never delivered. */
  status: 'pending' | 'sent' | 'failed' | 'suppressed';
  attempts: Generated<number>;
  payload: JSONColumnType<AlertPayload>;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_error: string | null;
  /** One alert per announced change and channel (`<monitor>:<event>:<at ms>`); null for test alerts. */
  dedup_key: string | null;
  /** When the outbox sweeper looks at this pending alert next; null: `created_at` + the sweep age. */
  next_sweep_at: Timestamp | null;
  /** How many times the sweeper has looked at it (its next look backs off with this). */
  sweeps: Generated<number>;
  /** The group incident this alert announces (0024-dependencies); then `incident_id` is null. */
  group_incident_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A named set of monitors of one organization (0024-dependencies). */
export interface MonitorGroupsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  /** While any member is down: one group incident and one down/up alert pair, not one per member. */
  alert_as_one: Generated<boolean>;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0030). */
  key: string | null;
  /** Owned by an apply from a file (migration 0030). */
  managed: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One parent of a monitor: another monitor or a group, never both (0024-dependencies). */
export interface MonitorDependenciesTable {
  org_id: string;
  monitor_id: string;
  parent_monitor_id: string | null;
  parent_group_id: string | null;
}

/** The incident of a group alerted as one: open while any member is down (0024-dependencies). */
export interface MonitorGroupIncidentsTable {
  id: Generated<string>;
  org_id: string;
  group_id: string;
  status: 'open' | 'resolved';
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  /** The member whose going down opened it. */
  opened_by: string | null;
  cause: string | null;
}

export interface AlertAttemptsTable {
  id: Generated<string>;
  org_id: string;
  alert_id: string;
  attempted_at: Timestamp;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface ApiKeysTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  role: Role;
  /** SHA-256 of the key; the key itself is shown once and never stored. */
  key_hash: string;
  key_hint: string;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** Single-use emailed tokens (email verification, password reset); only their SHA-256 is stored. */
export interface UserTokensTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** An emailed offer to join an organization; only the SHA-256 of its token is stored. */
export interface InvitationsTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface StatusPagesTable {
  id: Generated<string>;
  org_id: string;
  slug: string;
  title: string;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0025). */
  key: string | null;
  /** Owned by an apply from a file: the dashboard warns before editing it (migration 0025). */
  managed: Generated<boolean>;
  /** Branding and the customer's own hostname (migration 0026). */
  description: string | null;
  logo_url: string | null;
  /** `#rrggbb`. */
  brand_color: string | null;
  footer_text: string | null;
  /** `[{ "label": string, "url": string }]`. */
  links: JSONColumnType<{ label: string; url: string }[], string | undefined, string>;
  /** Lower-case hostname the page is served on by `Host`, unique across the deployment. */
  custom_domain: string | null;
  badges_enabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface StatusPageMonitorsTable {
  org_id: string;
  status_page_id: string;
  monitor_id: string;
  position: number;
  /** The component it is shown under; null: shown on its own (migration 0026). */
  component_id: string | null;
}

/** A named group of a page's monitors, with its own uptime bars and state (migration 0026). */
export interface StatusPageComponentsTable {
  id: Generated<string>;
  org_id: string;
  status_page_id: string;
  name: string;
  description: string | null;
  position: number;
  created_at: CreatedAt;
}

export type StatusPageIncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type StatusPageIncidentImpact = 'degraded' | 'partial_outage' | 'major_outage';

/** An incident posted on a status page, possibly promoted from an automatic one (migration 0027). */
export interface StatusPageIncidentsTable {
  id: Generated<string>;
  org_id: string;
  status_page_id: string;
  /** The automatic incident it was promoted from, if any. */
  incident_id: string | null;
  title: string;
  status: StatusPageIncidentStatus;
  impact: StatusPageIncidentImpact;
  component_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
}

/** One entry of a status-page incident's timeline (migration 0027). */
export interface StatusPageIncidentUpdatesTable {
  id: Generated<string>;
  org_id: string;
  incident_id: string;
  status: StatusPageIncidentStatus;
  message: string;
  at: Timestamp;
  author_user_id: string | null;
}

/** Someone told about a page's incidents: an address (after double opt-in) or a signed webhook (migration 0027). */
export interface StatusPageSubscribersTable {
  id: Generated<string>;
  org_id: string;
  status_page_id: string;
  kind: 'email' | 'webhook';
  email: string | null;
  webhook_url: string | null;
  /** The webhook's signing secret, sealed with SECRETS_KEY. */
  secret: string | null;
  /** SHA-256 of the pending confirmation token; null once confirmed. */
  confirm_token_hash: string | null;
  confirm_expires_at: Timestamp | null;
  confirmed_at: Timestamp | null;
  last_sent_at: Timestamp | null;
  created_at: CreatedAt;
}

/** The subscriber outbox: one row per subscriber and announcement (migration 0027). */
export interface StatusPageDeliveriesTable {
  id: Generated<string>;
  org_id: string;
  status_page_id: string;
  subscriber_id: string;
  kind: string;
  subject_id: string;
  occurrence_key: string;
  title: string;
  body: string;
  at: Timestamp;
  status: ColumnType<'pending' | 'sent' | 'failed', 'pending' | 'sent' | 'failed' | undefined>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  claimed_until: Timestamp | null;
  claim_token: string | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  created_at: CreatedAt;
}

/** A monthly SLA report emailed to recipients (migration 0029): of a monitor, a component or the organization. */
export interface ReportSubscriptionsTable {
  id: Generated<string>;
  org_id: string;
  scope: 'monitor' | 'component' | 'organization';
  /** Set exactly when scope is `monitor`. */
  monitor_id: string | null;
  /** Set exactly when scope is `component`. */
  component_id: string | null;
  recipients: string[];
  format: 'pdf' | 'csv';
  enabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One month's report of a subscription, sent (migration 0029): the row is claimed in the sending transaction. */
export interface ReportDeliveriesTable {
  org_id: string;
  subscription_id: string;
  /** The calendar month reported on, `YYYY-MM`. */
  month: string;
  recipients: number;
  sent_at: CreatedAt;
}

/** Scheduled checks per monitor, hour and latency bucket (-1: no latency); a table or a continuous aggregate. */
export interface CheckRollupsHourlyTable {
  hour: Timestamp;
  org_id: string;
  monitor_id: string;
  bucket: number;
  checks: number;
  failed: number;
}

export interface MaintenanceWindowsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_by: string | null;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0025). */
  key: string | null;
  /** Owned by an apply from a file: the dashboard warns before editing it (migration 0025). */
  managed: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** An RRULE on the wall clock of `recurrence_time_zone`; null for a one-off window (migration 0028). */
  recurrence_rule: Generated<string | null>;
  recurrence_time_zone: Generated<string | null>;
  recurrence_duration_minutes: Generated<number | null>;
}

export interface MaintenanceWindowMonitorsTable {
  org_id: string;
  window_id: string;
  monitor_id: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** The latest ping of a heartbeat monitor (migration 0002-checks). */
export interface HeartbeatsTable {
  monitor_id: string;
  org_id: string;
  last_ping_at: Timestamp;
  last_status: 'ok' | 'fail';
  last_message: string | null;
  pings: ColumnType<string, string | number | undefined, string | number>;
}

/** Per-organization quota overrides: NULL keeps the deployment's default, 0 means no limit. */
export interface OrganizationLimitsTable {
  org_id: string;
  max_monitors: number | null;
  min_interval_seconds: number | null;
  /** numeric: pg returns it as a string. */
  max_checks_per_second: ColumnType<string | null, number | string | null, number | string | null>;
  max_channels: number | null;
  max_test_alerts_per_minute: number | null;
  max_email_recipients_per_channel: number | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A region served by probes: the deployment's (`org_id` NULL) or an organization's private location. */
export interface ProbeRegionsTable {
  id: Generated<string>;
  org_id: string | null;
  /** The region name monitors list; unique across the deployment. */
  name: string;
  label: string;
  allow_private_targets: Generated<boolean>;
  created_at: CreatedAt;
}

/** One probe of a probe region; only the SHA-256 of its token is stored. */
export interface ProbesTable {
  id: Generated<string>;
  org_id: string | null;
  region_id: string;
  name: string;
  token_hash: string;
  token_hint: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  last_seen_at: Timestamp | null;
  version: string | null;
  checks_per_second: number | null;
  lag_p99_ms: number | null;
  held_results: number | null;
  /** bigint: pg returns it as a string. */
  dropped_results: ColumnType<string | null, number | string | null, number | string | null>;
  /** Slots the gateway dropped for this probe (another organization's monitor in a private location). */
  dropped_slots: ColumnType<string, number | string | undefined, number | string>;
}

/** An on-call rotation (0023-oncall-rotations); `member_ids` is ordered. */
export interface OncallRotationsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  cadence: RotationCadence;
  /** `HH:MM` on the wall clock of `time_zone`. */
  handoff_time: string;
  /** 0 = Sunday .. 6 = Saturday; set for weekly rotations only. */
  handoff_weekday: number | null;
  time_zone: string;
  starts_at: Timestamp;
  member_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** The name a sentinelmesh.yaml gives it, unique per organization (migration 0030). */
  key: string | null;
  /** Owned by an apply from a file (migration 0030). */
  managed: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Someone on call instead of a rotation's shift over `[starts_at, ends_at)`; the latest created wins. */
export interface OncallOverridesTable {
  id: Generated<string>;
  org_id: string;
  rotation_id: string;
  user_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_at: CreatedAt;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  refresh_tokens: RefreshTokensTable;
  monitors: MonitorsTable;
  monitor_state: MonitorStateTable;
  heartbeats: HeartbeatsTable;
  check_results: CheckResultsTable;
  check_artifacts: CheckArtifactsTable;
  late_results: LateResultsTable;
  region_notices: RegionNoticesTable;
  incidents: IncidentsTable;
  channels: ChannelsTable;
  escalation_policies: EscalationPoliciesTable;
  monitor_channels: MonitorChannelsTable;
  alerts: AlertsTable;
  alert_attempts: AlertAttemptsTable;
  meta: MetaTable;
  maintenance_windows: MaintenanceWindowsTable;
  maintenance_window_monitors: MaintenanceWindowMonitorsTable;
  api_keys: ApiKeysTable;
  status_pages: StatusPagesTable;
  user_tokens: UserTokensTable;
  invitations: InvitationsTable;
  status_page_monitors: StatusPageMonitorsTable;
  status_page_components: StatusPageComponentsTable;
  status_page_incidents: StatusPageIncidentsTable;
  status_page_incident_updates: StatusPageIncidentUpdatesTable;
  status_page_subscribers: StatusPageSubscribersTable;
  status_page_deliveries: StatusPageDeliveriesTable;
  report_subscriptions: ReportSubscriptionsTable;
  report_deliveries: ReportDeliveriesTable;
  check_rollups_hourly: CheckRollupsHourlyTable;
  /** The tenant role's only way to results and rollups: views keeping the rows of `app.org_id` (0008-engines). */
  tenant_check_results: CheckResultsTable;
  tenant_check_rollups_hourly: CheckRollupsHourlyTable;
  organization_limits: OrganizationLimitsTable;
  probe_regions: ProbeRegionsTable;
  probes: ProbesTable;
  monitor_groups: MonitorGroupsTable;
  monitor_dependencies: MonitorDependenciesTable;
  monitor_group_incidents: MonitorGroupIncidentsTable;
  oncall_rotations: OncallRotationsTable;
  oncall_overrides: OncallOverridesTable;
}
