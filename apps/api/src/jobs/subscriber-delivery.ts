import { randomUUID } from 'node:crypto';
import type { Db } from '@sentinelmesh/db';
import type { Logger, SecretBox } from '@sentinelmesh/platform';
import { sql } from 'kysely';
import type { ApiConfig } from '../context';
import { pruneSubscriberRows } from '../services/status-page-subscribers';
import { subscriberLinks, unsubscribeToken } from '../services/subscriber-links';
import {
  createSubscriberSenders,
  type SendResult,
  type SubscriberSenders,
} from '../services/subscriber-senders';
import { runEvery } from './every';

/** How deliveries are paced (docs/status-pages.md, "Subscribers"). */
export interface DeliveryPolicy {
  /** A claimed delivery not finished by then (a crashed sender) is taken again. */
  leaseMs: number;
  /** The least time between two messages to one subscriber: a burst of updates arrives spaced out. */
  subscriberGapMs: number;
  /** Messages per status page per minute, over all its subscribers. */
  pagePerMinute: number;
  /** Deliveries claimed per run. */
  batch: number;
  maxAttempts: number;
  /** First retry wait, doubling per attempt up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

const PRUNE_EVERY_MS = 3_600_000;

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  leaseMs: 120_000,
  subscriberGapMs: 60_000,
  pagePerMinute: 600,
  batch: 100,
  maxAttempts: 8,
  backoffMs: 30_000,
  maxBackoffMs: 3_600_000,
};

interface Claimed {
  id: string;
  claim_token: string;
  attempts: number;
  kind: string;
  subject_id: string;
  title: string;
  body: string;
  at: Date;
  subscriber_id: string;
  subscriber_kind: 'email' | 'webhook';
  email: string | null;
  webhook_url: string | null;
  secret: string | null;
  slug: string;
  page_title: string;
}

type Config = Pick<
  ApiConfig,
  'SMTP_URL' | 'SMTP_FROM' | 'DASHBOARD_ORIGIN' | 'SECRETS_KEY' | 'ALLOW_PRIVATE_TARGETS'
>;

/**
 * Claims due deliveries, in order per subscriber and within each limit: a subscriber's oldest
 * pending delivery only, once the gap since its last message has passed and nothing of its is in
 * flight; at most `pagePerMinute` per page, counting those sent in the last minute and those in
 * flight. A claim is a lease: rows claimed by another sender meanwhile (whose lease has not run
 * out) are left alone, so two senders never send the same row at once. Times are the database's.
 */
async function claim(db: Db, policy: DeliveryPolicy): Promise<Claimed[]> {
  const token = randomUUID();
  const { rows } = await sql<Claimed>`
    WITH heads AS (
      SELECT DISTINCT ON (d.subscriber_id) d.id, d.subscriber_id, d.status_page_id, d.created_at,
        d.next_attempt_at, d.claimed_until
      FROM status_page_deliveries d
      WHERE d.status = 'pending'
      ORDER BY d.subscriber_id, d.created_at, d.id
    ), ready AS (
      SELECT h.id, h.status_page_id, h.created_at,
        row_number() OVER (PARTITION BY h.status_page_id ORDER BY h.created_at, h.id) AS nth
      FROM heads h
      JOIN status_page_subscribers s ON s.id = h.subscriber_id
      WHERE h.next_attempt_at <= now()
        AND (h.claimed_until IS NULL OR h.claimed_until <= now())
        AND (s.last_sent_at IS NULL OR s.last_sent_at <= now() - ${policy.subscriberGapMs}::float8 * interval '1 millisecond')
    ), used AS (
      SELECT d.status_page_id, count(*) AS n
      FROM status_page_deliveries d
      WHERE d.status_page_id IN (SELECT status_page_id FROM ready)
        AND (d.sent_at > now() - interval '1 minute' OR (d.status = 'pending' AND d.claimed_until > now()))
      GROUP BY d.status_page_id
    ), picked AS (
      SELECT r.id FROM ready r LEFT JOIN used u ON u.status_page_id = r.status_page_id
      WHERE r.nth <= ${policy.pagePerMinute} - coalesce(u.n, 0)
      ORDER BY r.created_at, r.id
      LIMIT ${policy.batch}
    )
    UPDATE status_page_deliveries d
    SET claimed_until = now() + ${policy.leaseMs}::float8 * interval '1 millisecond',
        claim_token = ${token}::uuid,
        attempts = d.attempts + 1
    FROM picked, status_page_subscribers s, status_pages p
    WHERE d.id = picked.id
      AND s.id = d.subscriber_id
      AND p.id = d.status_page_id
      AND d.status = 'pending'
      AND (d.claimed_until IS NULL OR d.claimed_until <= now())
    RETURNING d.id, d.claim_token, d.attempts, d.kind, d.subject_id, d.title, d.body, d.at,
      d.subscriber_id, s.kind AS subscriber_kind, s.email, s.webhook_url, s.secret,
      p.slug, p.title AS page_title
  `.execute(db);
  return rows;
}

async function record(
  db: Db,
  row: Claimed,
  result: SendResult,
  policy: DeliveryPolicy,
): Promise<'sent' | 'retry' | 'failed'> {
  const mine = sql`id = ${row.id} AND claim_token = ${row.claim_token}::uuid AND status = 'pending'`;
  if (result.ok) {
    await db.transaction().execute(async (tx) => {
      await sql`UPDATE status_page_deliveries SET status = 'sent', sent_at = now(), claimed_until = NULL,
        last_error = NULL WHERE ${mine}`.execute(tx);
      await sql`UPDATE status_page_subscribers SET last_sent_at = now() WHERE id = ${row.subscriber_id}`.execute(
        tx,
      );
    });
    return 'sent';
  }
  const failed = result.permanent || row.attempts >= policy.maxAttempts;
  const waitMs = Math.min(policy.backoffMs * 2 ** Math.max(0, row.attempts - 1), policy.maxBackoffMs);
  await sql`UPDATE status_page_deliveries
    SET status = ${failed ? 'failed' : 'pending'}, claimed_until = NULL, last_error = ${result.error},
      next_attempt_at = now() + ${waitMs}::float8 * interval '1 millisecond'
    WHERE ${mine}`.execute(db);
  return failed ? 'failed' : 'retry';
}

/**
 * Sends the subscriber outbox (status_page_deliveries) from the API process: email and signed
 * webhooks, with retries and backoff, paced per subscriber and per page (ADR 0041). Several API
 * processes share the work through the claim's lease.
 */
export function createSubscriberDelivery(options: {
  db: Db;
  box: SecretBox;
  logger: Logger;
  config: Config;
  policy?: Partial<DeliveryPolicy>;
  senders?: SubscriberSenders;
}) {
  const { db, box, config } = options;
  const logger = options.logger.child({ component: 'subscriber-delivery' });
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  const senders =
    options.senders ??
    createSubscriberSenders({
      smtpUrl: config.SMTP_URL,
      from: config.SMTP_FROM,
      allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
    });

  async function send(row: Claimed): Promise<SendResult> {
    const links = subscriberLinks(config.DASHBOARD_ORIGIN, row.slug);
    const token = unsubscribeToken(config.SECRETS_KEY, row.subscriber_id);
    if (row.subscriber_kind === 'email' && row.email) {
      return senders.email({
        to: row.email,
        subject: `[${row.page_title}] ${row.title}`,
        text: `${row.title}\n\n${row.body}\n\n${row.at.toISOString()}\n\nStatus page: ${links.page}\n\nUnsubscribe: ${links.unsubscribe(token)}\n`,
        messageId: `<${row.id}@status-page.sentinelmesh>`,
        oneClickUrl: links.oneClick(token),
      });
    }
    if (row.subscriber_kind === 'webhook' && row.webhook_url && row.secret) {
      let secret: string;
      try {
        secret = box.open<string>(row.secret);
      } catch {
        return { ok: false, error: 'webhook secret cannot be opened', permanent: false };
      }
      return senders.webhook({
        url: row.webhook_url,
        secret,
        idempotencyKey: row.id,
        nowSeconds: Math.floor(Date.now() / 1000),
        body: {
          id: row.id,
          type: row.kind,
          statusPage: { slug: row.slug, title: row.page_title, url: links.page },
          subjectId: row.subject_id,
          title: row.title,
          body: row.body,
          at: row.at.toISOString(),
          unsubscribeUrl: links.oneClick(token),
        },
      });
    }
    return { ok: false, error: 'subscriber has no address', permanent: true };
  }

  /** One round: claims what is due and sends it. Returns what happened to each claimed row. */
  async function runOnce() {
    const rows = await claim(db, policy);
    const outcomes = await Promise.all(
      rows.map(async (row) => {
        const result = await send(row);
        const outcome = await record(db, row, result, policy);
        const fields = { deliveryId: row.id, subscriberId: row.subscriber_id, attempt: row.attempts };
        if (outcome === 'sent') logger.debug(fields, 'subscriber message delivered');
        else if (!result.ok)
          logger.warn({ ...fields, error: result.error, outcome }, 'subscriber delivery failed');
        return outcome;
      }),
    );
    if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = Date.now();
      await pruneSubscriberRows(db, new Date());
    }
    return {
      sent: outcomes.filter((o) => o === 'sent').length,
      retry: outcomes.filter((o) => o === 'retry').length,
      failed: outcomes.filter((o) => o === 'failed').length,
    };
  }

  let prunedAt = 0;
  let loop: { stop(): Promise<void> } | null = null;
  return {
    policy,
    /** Claims without sending: what a sender that crashed right after claiming leaves behind (tests). */
    claim: () => claim(db, policy),
    runOnce,
    start(intervalMs: number) {
      loop ??= runEvery({ intervalMs, logger, failure: 'subscriber delivery round failed', run: runOnce });
    },
    async close() {
      await loop?.stop();
      loop = null;
      await senders.close();
    },
  };
}

export type SubscriberDelivery = ReturnType<typeof createSubscriberDelivery>;
