import type { Database } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';

export const announcementKinds = [
  'incident.created',
  'incident.updated',
  'incident.resolved',
  'maintenance.scheduled',
  'maintenance.started',
  'maintenance.completed',
] as const;
export type AnnouncementKind = (typeof announcementKinds)[number];

export interface Announcement {
  orgId: string;
  statusPageIds: string[];
  kind: AnnouncementKind;
  /** The incident or maintenance window announced. */
  subjectId: string;
  /** Which occurrence of the subject (an update's id, a window's start): with kind and subject, the unique key. */
  occurrenceKey: string;
  title: string;
  body: string;
  at: Date;
}

/**
 * Queues `announcement` for every confirmed subscriber of the pages, in the caller's transaction: one
 * outbox row per subscriber, unique on subscriber, kind, subject and occurrence, so announcing the
 * same thing twice sends it once. The delivery job (jobs/subscriber-delivery.ts) sends them.
 */
export async function announce(trx: Kysely<Database>, input: Announcement): Promise<void> {
  if (input.statusPageIds.length === 0) return;
  await sql`
    INSERT INTO status_page_deliveries
      (org_id, status_page_id, subscriber_id, kind, subject_id, occurrence_key, title, body, at, created_at)
    SELECT s.org_id, s.status_page_id, s.id, ${input.kind}, ${input.subjectId}::uuid, ${input.occurrenceKey},
      ${input.title}, ${input.body}, ${input.at},
      -- The statement's own time, not the transaction's: announcements queued in one transaction are
      -- delivered in the order they were queued (deliveries go out by created_at).
      clock_timestamp()
    FROM status_page_subscribers s
    WHERE s.org_id = ${input.orgId}::uuid
      AND s.status_page_id = ANY(${input.statusPageIds}::uuid[])
      AND s.confirmed_at IS NOT NULL
    -- One order for every writer: two announcing the same thing at once wait on each other, never deadlock.
    ORDER BY s.id
    ON CONFLICT (subscriber_id, kind, subject_id, occurrence_key) DO NOTHING
  `.execute(trx);
}
