import type { NotificationKind } from '@hotspot/db';
import { sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps } from '../../deps.ts';
import { audit } from '../audit/index.ts';
import { OPEN_ACTION_STATUSES } from '../hotspots/index.ts';
import type { Mailer } from './mailer.ts';
import { dedupeKey, notifyActionEvent } from './notify.ts';

/** Reminders start this many days before the due date. */
export const DUE_SOON_DAYS = 3;
/** A claimed email is retried by any process after this lease runs out (e.g. its sender died). */
const CLAIM_LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;
const SEND_BATCH = 50;

export type SweepDeps = Pick<AppDeps, 'db' | 'env' | 'clock' | 'newId' | 'logger' | 'auditKeys'> & {
  /** Absent when SMTP is not configured: notices are still made, nothing is emailed. */
  readonly mailer?: Mailer | undefined;
};

export interface SweepResult {
  readonly notificationsCreated: number;
  readonly emailsSent: number;
  readonly emailsFailed: number;
}

/**
 * Makes due-soon and overdue notices (by the injected clock) and sends queued emails. Safe to
 * run from every API process at once: notices and emails are keyed uniquely in the database, and
 * an email is sent only by the process that claimed it (`for update skip locked` plus a lease).
 * main.ts runs it on a timer; tests call it with a test clock.
 */
export async function runNotificationSweep(deps: SweepDeps): Promise<SweepResult> {
  const today = isoDay(deps.clock());
  const soonLimit = isoDay(new Date(Date.parse(`${today}T00:00:00Z`) + DUE_SOON_DAYS * 86_400_000));
  const due = await sql<{
    id: string;
    partnership_id: string;
    title: string;
    agency_id: string;
    agency_name: string;
    created_by: string;
    due_on: string;
  }>`
    select a.id, a.partnership_id, a.title, a.agency_id, g.name as agency_name, a.created_by,
      a.due_on::text as due_on
    from action a join agency g on g.id = a.agency_id
    where a.status = any(${[...OPEN_ACTION_STATUSES]}::text[]) and a.due_on <= ${soonLimit}::date
    order by a.due_on, a.id`.execute(deps.db.kysely);
  let notificationsCreated = 0;
  for (const a of due.rows) {
    const kind: NotificationKind = a.due_on < today ? 'action-overdue' : 'action-due-soon';
    const event = {
      kind,
      partnershipId: a.partnership_id,
      actionId: a.id,
      actionTitle: a.title,
      agencyId: a.agency_id,
      agencyName: a.agency_name,
      createdById: a.created_by,
      dueOn: a.due_on,
    };
    // Cheap skip for the common case (the agency's partners already notified); the unique keys
    // decide in a race. Only the current agency's notices count: an action reassigned after the
    // previous agency was reminded still earns the new agency its reminder.
    const seen = await deps.db.kysely
      .selectFrom('notification as n')
      .innerJoin('app_user as u', 'u.id', 'n.user_id')
      .select('n.id')
      .where('n.action_id', '=', a.id)
      .where('n.dedupe_key', '=', dedupeKey(event))
      .where('u.agency_id', '=', a.agency_id)
      .where('u.role', '=', 'partner')
      .limit(1)
      .executeTakeFirst();
    if (seen) continue;
    notificationsCreated += await notifyActionEvent(deps, deps.db.kysely, event);
  }
  const sent = deps.mailer ? await deliverQueuedEmails(deps, deps.mailer) : { sent: 0, failed: 0 };
  if (notificationsCreated > 0 || sent.sent > 0 || sent.failed > 0) {
    await audit(
      deps,
      {
        partnershipId: null,
        userId: null,
        role: 'system',
        agencyCode: null,
        address: null,
        requestId: null,
      },
      {
        category: 'disclosure',
        action: 'notifications.sweep',
        query: { notificationsCreated, emailsSent: sent.sent, emailsFailed: sent.failed },
      },
    );
  }
  return { notificationsCreated, emailsSent: sent.sent, emailsFailed: sent.failed };
}

async function deliverQueuedEmails(
  deps: SweepDeps,
  mailer: Mailer,
): Promise<{ sent: number; failed: number }> {
  const now = deps.clock();
  const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS);
  // The claim is one statement: rows locked by another process's claim are skipped, and a row
  // claimed here carries a lease no other process will take while it runs.
  const claimed = await sql<{
    id: string;
    recipient: string;
    subject: string;
    body: string;
    attempts: number;
  }>`
    update email_outbox set claimed_until = ${leaseUntil}, attempts = attempts + 1
    where id in (
      select id from email_outbox
      where sent_at is null and attempts < ${MAX_ATTEMPTS}
        and (claimed_until is null or claimed_until < ${now})
      order by created_at, id
      limit ${SEND_BATCH}
      for update skip locked)
    returning id, recipient, subject, body, attempts`.execute(deps.db.kysely);
  let sent = 0;
  let failed = 0;
  for (const email of claimed.rows) {
    try {
      await mailer.send({ to: email.recipient, subject: email.subject, text: email.body });
      await deps.db.kysely
        .updateTable('email_outbox')
        .set({ sent_at: deps.clock(), last_error: null })
        .where('id', '=', email.id)
        .execute();
      sent++;
    } catch (error) {
      failed++;
      // Retried after a back-off that grows with the attempts; the lease already holds it.
      const retryAt = new Date(deps.clock().getTime() + 2 ** email.attempts * 60_000);
      deps.logger.warn(
        { emailId: email.id, err: error instanceof Error ? error.message : String(error) },
        'email not sent',
      );
      await deps.db.kysely
        .updateTable('email_outbox')
        .set({
          claimed_until: retryAt,
          last_error: error instanceof Error ? error.message.slice(0, 500) : 'send failed',
        })
        .where('id', '=', email.id)
        .execute();
    }
  }
  return { sent, failed };
}
