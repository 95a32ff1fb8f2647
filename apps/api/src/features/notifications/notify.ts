import type { Database, NotificationKind } from '@hotspot/db';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../../deps.ts';

/** What happened to an action, as much as a notification needs to know. */
export interface ActionEvent {
  readonly kind: NotificationKind;
  readonly partnershipId: string;
  readonly actionId: string;
  readonly actionTitle: string;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly createdById: string;
  readonly dueOn: string;
  /**
   * Sets apart an event that can happen again to the same action: an action reassigned to an
   * agency (perhaps one that had it before) is a new assignment, keyed by its timeline entry.
   */
  readonly occurrence?: string;
}

interface Recipient {
  readonly userId: string | null;
  readonly email: string;
}

/**
 * The key that makes a notice unique: an action is assigned (or reassigned: once per
 * occurrence), declined or completed once, and is due soon or overdue once per due date (a new
 * due date earns a new reminder).
 */
export function dedupeKey(
  event: Pick<ActionEvent, 'kind' | 'actionId' | 'dueOn' | 'occurrence'>,
): string {
  if (event.kind === 'action-due-soon' || event.kind === 'action-overdue')
    return `${event.kind}:${event.actionId}:${event.dueOn}`;
  return event.occurrence
    ? `${event.kind}:${event.actionId}:${event.occurrence}`
    : `${event.kind}:${event.actionId}`;
}

/** In the app, behind sign-in: the recipient may see the action, so its title is shown. */
function inAppMessage(e: ActionEvent): string {
  const title = e.actionTitle.length > 300 ? `${e.actionTitle.slice(0, 297)}...` : e.actionTitle;
  switch (e.kind) {
    case 'action-assigned':
      return `New action for ${e.agencyName}: ${title}`;
    case 'action-due-soon':
      return `Action due on ${e.dueOn}: ${title}`;
    case 'action-overdue':
      return `Action overdue since ${e.dueOn}: ${title}`;
    case 'action-declined':
      return `${e.agencyName} declined an action: ${title}`;
    case 'action-completed':
      return `${e.agencyName} completed an action: ${title}`;
  }
}

/**
 * Email leaves the system, so it says only that something happened and to whom, with a link:
 * never the action's title or detail (free text that may name a place or a concern), the hotspot,
 * or anything from a record.
 */
export function emailSubject(e: Pick<ActionEvent, 'kind' | 'agencyName'>): string | null {
  switch (e.kind) {
    case 'action-assigned':
      return `An action has been assigned to ${e.agencyName}`;
    case 'action-due-soon':
      return `An action for ${e.agencyName} is due soon`;
    case 'action-overdue':
      return `An action for ${e.agencyName} is overdue`;
    case 'action-declined':
      return `An action has been declined by ${e.agencyName}`;
    case 'action-completed':
      return null; // in-app only: nothing needs doing
  }
}

export function emailBody(subject: string, link: string): string {
  return [
    `${subject}.`,
    '',
    'Sign in to the partnership hotspot map to see it:',
    link,
    '',
    'This message deliberately contains no details. Please do not reply to it.',
  ].join('\n');
}

async function recipientsFor(db: Kysely<Database>, e: ActionEvent): Promise<Recipient[]> {
  const toAgency =
    e.kind === 'action-assigned' || e.kind === 'action-due-soon' || e.kind === 'action-overdue';
  const toCreator = e.kind !== 'action-assigned' && e.kind !== 'action-due-soon';
  const toChairs = e.kind === 'action-declined';
  let users = db
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('partnership_id', '=', e.partnershipId)
    .where('disabled', '=', false);
  users = users.where((eb) =>
    eb.or([
      ...(toAgency ? [eb.and([eb('role', '=', 'partner'), eb('agency_id', '=', e.agencyId)])] : []),
      ...(toCreator ? [eb('id', '=', e.createdById)] : []),
      ...(toChairs ? [eb('role', '=', 'chair')] : []),
      eb.val(false),
    ]),
  );
  const rows = await users.orderBy('email').execute();
  const recipients: Recipient[] = rows.map((u) => ({ userId: u.id, email: u.email }));
  if (toAgency) {
    const agency = await db
      .selectFrom('agency')
      .select('email')
      .where('id', '=', e.agencyId)
      .executeTakeFirst();
    // The agency's shared mailbox gets the email too (it has no in-app list).
    if (agency?.email) recipients.push({ userId: null, email: agency.email });
  }
  return recipients;
}

/**
 * Records the in-app notices and queues the emails for one action event, each once: a repeated
 * event (a second sweep, another API process) hits the unique keys and adds nothing. Emails are
 * queued only when SMTP is configured; the sweep sends them. Returns the notices created.
 */
export async function notifyActionEvent(
  deps: Pick<AppDeps, 'env' | 'clock' | 'newId'>,
  db: Kysely<Database>,
  event: ActionEvent,
): Promise<number> {
  const key = dedupeKey(event);
  const now = deps.clock();
  const recipients = await recipientsFor(db, event);
  const users = [...new Set(recipients.flatMap((r) => (r.userId ? [r.userId] : [])))];
  let created = 0;
  if (users.length > 0) {
    const inserted = await db
      .insertInto('notification')
      .values(
        users.map((userId) => ({
          id: deps.newId(),
          partnership_id: event.partnershipId,
          user_id: userId,
          kind: event.kind,
          action_id: event.actionId,
          message: inAppMessage(event),
          dedupe_key: key,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
      .returning('id')
      .execute();
    created = inserted.length;
  }
  const subject = emailSubject(event);
  if (!deps.env.SMTP_URL || !subject) return created;
  const origin = (deps.env.PUBLIC_ORIGIN ?? `http://localhost:${deps.env.PORT}`).replace(/\/$/, '');
  const body = emailBody(subject, `${origin}/actions/${event.actionId}`);
  const emails = [...new Set(recipients.map((r) => r.email.toLowerCase()))];
  if (emails.length > 0) {
    await db
      .insertInto('email_outbox')
      .values(
        emails.map((recipient) => ({
          id: deps.newId(),
          partnership_id: event.partnershipId,
          dedupe_key: `${key}:${recipient}`,
          recipient,
          subject,
          body,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  }
  return created;
}

/**
 * Marks as read the user's notices about one action: opening or acknowledging the action is
 * reading what the notice announced, so it must not stay unread. Returns how many were marked.
 */
export async function markActionNoticesRead(
  deps: AppDeps,
  userId: string,
  actionId: string,
): Promise<number> {
  const result = await deps.db.kysely
    .updateTable('notification')
    .set({ read_at: deps.clock() })
    .where('user_id', '=', userId)
    .where('action_id', '=', actionId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
