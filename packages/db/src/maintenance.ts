import type { MaintenanceRule } from '@sentinelmesh/core';

/** The columns of a maintenance_windows row that say when it is in force. */
export const windowTimeColumns = [
  'starts_at',
  'ends_at',
  'recurrence_rule',
  'recurrence_time_zone',
  'recurrence_duration_minutes',
] as const;

/** Those columns as read, directly or through JSON (times then come as text). */
export interface WindowTimes {
  starts_at: Date | string;
  ends_at: Date | string;
  recurrence_rule: string | null;
  recurrence_time_zone: string | null;
  recurrence_duration_minutes: number | null;
}

/** A stored window as core's rule (`maintenanceOccurrences`): one span, or a series within starts_at and ends_at. */
export function windowRule(row: WindowTimes): MaintenanceRule {
  const {
    recurrence_rule: rrule,
    recurrence_time_zone: timeZone,
    recurrence_duration_minutes: minutes,
  } = row;
  return {
    startsAtMs: new Date(row.starts_at).getTime(),
    endsAtMs: new Date(row.ends_at).getTime(),
    recurrence:
      rrule !== null && timeZone !== null && minutes !== null
        ? { rrule, timeZone, durationMinutes: minutes }
        : null,
  };
}
