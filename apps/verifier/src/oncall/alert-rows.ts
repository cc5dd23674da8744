import { randomUUID } from 'node:crypto';
import {
  type AlertEvent,
  type AlertRoute,
  buildAlertPayload,
  type IncidentRef,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';
import { type Database, insertKeyedAlerts } from '@sentinelmesh/db';
import type { AckRecipient } from '@sentinelmesh/platform';
import type { Transaction } from 'kysely';
import type { CreatedAlert } from '../verify/notices';
import type { OncallSettings } from './settings';

type Trx = Transaction<Database>;

/** One recipient of an alert, and why it gets it (null: a monitor's plain channel). */
export interface RoutedRecipient {
  recipient: AckRecipient;
  route: AlertRoute | null;
}

export interface AlertBatch {
  orgId: string;
  monitorId: string;
  config: StoredMonitorConfig;
  incident: IncidentRef | null;
  event: AlertEvent;
  atMs: number;
  cause: string | null;
  dedupKey: string;
  recipients: readonly RoutedRecipient[];
}

/** Events about an incident still open: their alerts carry an acknowledge link. */
const ACKABLE: readonly AlertEvent[] = ['monitor.down', 'monitor.flapping', 'monitor.still_down'];

/** The acknowledge link of an alert to `recipient` about `incident`, when the event calls for one. */
export function ackUrlFor(
  oncall: OncallSettings,
  input: { orgId: string; event: AlertEvent; incident: IncidentRef | null; recipient: AckRecipient },
): string | undefined {
  const { incident } = input;
  if (!oncall.ackLinks || !incident || incident.resolved_at || !ACKABLE.includes(input.event))
    return undefined;
  return oncall.ackLinks.url(oncall.ackBaseUrl, {
    orgId: input.orgId,
    incidentId: incident.id,
    recipient: input.recipient,
  });
}

/**
 * Writes one outbox row per recipient of `batch`, each keyed by (recipient, dedup key): a replay, a
 * second sweeper or a target named twice writes nothing more. Returns the rows written now.
 */
export async function writeAlerts(
  trx: Trx,
  batch: AlertBatch,
  oncall: OncallSettings,
): Promise<CreatedAlert[]> {
  const seen = new Set<string>();
  const rows = batch.recipients
    .filter(({ recipient }) => {
      const key = `${recipient.type}:${recipient.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ recipient, route }) => {
      const id = randomUUID();
      const ackUrl = ackUrlFor(oncall, { ...batch, recipient });
      const payload = {
        ...buildAlertPayload({
          alertId: id,
          event: batch.event,
          occurredAtMs: batch.atMs,
          monitorId: batch.monitorId,
          config: batch.config,
          incident: batch.incident,
          cause: batch.cause,
        }),
        ...(ackUrl ? { ackUrl } : {}),
      };
      return {
        id,
        org_id: batch.orgId,
        incident_id: batch.incident?.id ?? null,
        monitor_id: batch.monitorId,
        channel_id: recipient.type === 'channel' ? recipient.id : null,
        recipient_user_id: recipient.type === 'member' ? recipient.id : null,
        route: route ? JSON.stringify(route) : null,
        event: batch.event,
        status: 'pending' as const,
        payload: JSON.stringify(payload),
        dedup_key: batch.dedupKey,
      };
    });
  const inserted = await insertKeyedAlerts(trx, rows);
  return inserted.map((alertId) => ({ orgId: batch.orgId, alertId, event: batch.event }));
}
