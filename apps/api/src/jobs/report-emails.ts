import type { Db } from '@sentinelmesh/db';
import type { Logger } from '@sentinelmesh/platform';
import nodemailer from 'nodemailer';
import { bindTenant } from '../db/tenant';
import { type GroupSlaReport, groupCsv, groupPdf } from '../reports/group';
import { monthRange, previousMonth } from '../reports/months';
import { type SlaReport, slaCsv, slaPdf } from '../reports/sla';
import { componentReport, monitorReport, organizationReport } from '../services/sla-reports';
import { runEvery } from './every';

/** A monthly report email with its one attachment. */
export interface ReportEmail {
  to: string[];
  subject: string;
  text: string;
  /** The same for every attempt of one subscription and month, so a receiver can drop a repeat. */
  messageId: string;
  attachment: { filename: string; contentType: string; content: Buffer };
}

/** Sends one email; rejects when the mail server did not take it, so the month is tried again. */
export interface ReportSender {
  send(email: ReportEmail): Promise<void>;
  close(): void;
}

const TIMEOUT_MS = 15_000;

export function smtpReportSender(options: { smtpUrl: string; from: string }): ReportSender {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  return {
    async send(email) {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: email.messageId,
        attachments: [email.attachment],
      });
    },
    close: () => transport.close(),
  };
}

interface Due {
  id: string;
  orgId: string;
}

type Subscription = {
  id: string;
  scope: 'monitor' | 'component' | 'organization';
  monitor_id: string | null;
  component_id: string | null;
  recipients: string[];
  format: 'pdf' | 'csv';
};

type AnyReport = { kind: 'monitor'; report: SlaReport } | { kind: 'group'; report: GroupSlaReport };

const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ');

async function attachmentOf(built: AnyReport, format: 'pdf' | 'csv', name: string) {
  const content =
    built.kind === 'monitor'
      ? format === 'pdf'
        ? await slaPdf(built.report)
        : Buffer.from(slaCsv(built.report))
      : format === 'pdf'
        ? await groupPdf(built.report)
        : Buffer.from(groupCsv(built.report));
  return {
    filename: `${name}.${format}`,
    contentType: format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8',
    content,
  };
}

function emailText(subject: string, report: SlaReport | GroupSlaReport, month: string): string {
  const figure = (value: number | null, unit: string) => (value === null ? 'no data' : `${value}${unit}`);
  return `${[
    subject,
    `Uptime: ${figure(report.uptimePercent, ' %')} (maintenance excluded)`,
    `Incidents: ${report.incidents.length}; mean time to recover: ${figure(report.mttrSeconds, ' s')}`,
    `Latency p50 / p95 / p99: ${figure(report.latencyMs.p50, ' ms')} / ${figure(report.latencyMs.p95, ' ms')} / ${figure(report.latencyMs.p99, ' ms')}`,
    `The full report for ${month} (UTC) is attached.`,
  ].join('\n\n')}\n`;
}

/**
 * Claims, builds and sends one subscription's report of `month` in one tenant transaction. The claim
 * is a unique row: a second replica waits on it and then finds it taken; a failed send rolls it back,
 * so the month is tried again at the next run. Answers whether this call sent it.
 */
async function sendOne(
  deps: { db: Db; sender: ReportSender; now: Date },
  due: Due,
  month: string,
): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    await bindTenant(tx, due.orgId);
    const subscription = (await tx
      .selectFrom('report_subscriptions')
      .select(['id', 'scope', 'monitor_id', 'component_id', 'recipients', 'format'])
      .where('id', '=', due.id)
      .where('enabled', '=', true)
      .forShare()
      .executeTakeFirst()) as Subscription | undefined;
    if (!subscription) return false;
    const claimed = await tx
      .insertInto('report_deliveries')
      .values({
        org_id: due.orgId,
        subscription_id: due.id,
        month,
        recipients: subscription.recipients.length,
      })
      .onConflict((oc) => oc.columns(['subscription_id', 'month']).doNothing())
      .returning('subscription_id')
      .executeTakeFirst();
    if (!claimed) return false;
    const ctx = { db: tx, orgId: due.orgId, clock: { now: () => deps.now } };
    const range = monthRange(month);
    let built: AnyReport;
    let subject: string;
    if (subscription.scope === 'monitor' && subscription.monitor_id) {
      const report = await monitorReport(ctx, { monitorId: subscription.monitor_id, range });
      built = { kind: 'monitor', report };
      subject = `SLA report ${month}: ${report.monitor.name}`;
    } else if (subscription.scope === 'component' && subscription.component_id) {
      const component = await tx
        .selectFrom('status_page_components')
        .select('status_page_id')
        .where('id', '=', subscription.component_id)
        .executeTakeFirstOrThrow();
      const report = await componentReport(ctx, {
        statusPageId: component.status_page_id,
        componentId: subscription.component_id,
        range,
      });
      built = { kind: 'group', report };
      subject = `SLA report ${month}: ${report.subject.name}`;
    } else {
      const report = await organizationReport(ctx, { range });
      built = { kind: 'group', report };
      subject = `SLA report ${month}: ${report.subject.name}`;
    }
    subject = oneLine(subject);
    await deps.sender.send({
      to: subscription.recipients,
      subject,
      text: emailText(subject, built.report, month),
      messageId: `<sla-${subscription.id}-${month}@sentinelmesh>`,
      attachment: await attachmentOf(built, subscription.format, `sla-${subscription.scope}-${month}`),
    });
    return true;
  });
}

/** Subscriptions looked at per run; the rest wait for the next run. */
const BATCH = 200;

/**
 * Sends the report of the month before `now` (UTC) for every enabled subscription that existed when
 * that month ended and has not had it yet. One failing subscription is logged and does not stop the
 * others. Answers how many this call sent.
 */
export async function sendDueReports(deps: {
  db: Db;
  sender: ReportSender;
  now: Date;
  logger: Logger;
}): Promise<number> {
  const month = previousMonth(deps.now);
  const monthEnd = new Date(monthRange(month).to);
  const due = await deps.db
    .selectFrom('report_subscriptions as s')
    .select(['s.id', 's.org_id as orgId'])
    .where('s.enabled', '=', true)
    .where('s.created_at', '<', monthEnd)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('report_deliveries as d')
            .select('d.month')
            .whereRef('d.subscription_id', '=', 's.id')
            .where('d.month', '=', month),
        ),
      ),
    )
    .orderBy('s.created_at')
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const subscription of due) {
    try {
      if (await sendOne(deps, subscription, month)) sent++;
    } catch (error) {
      const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
      deps.logger.warn(
        {
          subscriptionId: subscription.id,
          orgId: subscription.orgId,
          month,
          code: String(responseCode ?? code ?? 'unknown'),
        },
        'monthly report email failed; tried again at the next run',
      );
    }
  }
  if (sent > 0) deps.logger.info({ month, sent }, 'monthly report emails sent');
  return sent;
}

/** Looks for due monthly reports every `intervalMs` in this process (every API replica may run it). */
export function startReportEmailJob(options: {
  db: Db;
  sender: ReportSender;
  logger: Logger;
  intervalMs: number;
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  const job = runEvery({
    intervalMs: options.intervalMs,
    logger: options.logger,
    failure: 'monthly report emails failed',
    run: () => sendDueReports({ db: options.db, sender: options.sender, now: now(), logger: options.logger }),
  });
  return {
    async stop() {
      await job.stop();
      options.sender.close();
    },
  };
}
