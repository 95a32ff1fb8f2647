import type {
  ActionStatus,
  AgendaKind,
  HotspotStatus,
  MeetingStatus,
  RiskRating,
} from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { type ActionRow, selectActions } from '../hotspots/index.ts';
import { AGENDA_RULES, agendaPeriod } from './agenda-generation.ts';

type Executor = Kysely<Database>;

export interface MeetingRow {
  readonly id: string;
  readonly partnershipId: string;
  readonly title: string;
  readonly startsAt: Date;
  readonly place: string | null;
  readonly online: boolean;
  readonly status: MeetingStatus;
  readonly createdBy: string;
  readonly closedAt: Date | null;
  readonly agendaGeneratedAt: Date | null;
}

export function meetingNotFound(): ProblemError {
  return new ProblemError(PROBLEM.notFound, 'No such meeting.');
}

/** One meeting of the partnership (404 otherwise); `forUpdate` locks it inside a transaction. */
export async function loadMeeting(
  db: Executor,
  partnershipId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<MeetingRow> {
  let query = db
    .selectFrom('meeting as m')
    .innerJoin('app_user as u', 'u.id', 'm.created_by')
    .select([
      'm.id',
      'm.partnership_id',
      'm.title',
      'm.starts_at',
      'm.place',
      'm.online',
      'm.status',
      'u.display_name',
      'm.closed_at',
      'm.agenda_generated_at',
    ])
    .where('m.id', '=', id)
    .where('m.partnership_id', '=', partnershipId);
  if (options.forUpdate) query = query.forUpdate('m');
  const row = await query.executeTakeFirst();
  if (!row) throw meetingNotFound();
  return {
    id: row.id,
    partnershipId: row.partnership_id,
    title: row.title,
    startsAt: new Date(row.starts_at),
    place: row.place,
    online: row.online,
    status: row.status,
    createdBy: row.display_name,
    closedAt: row.closed_at ? new Date(row.closed_at) : null,
    agendaGeneratedAt: row.agenda_generated_at ? new Date(row.agenda_generated_at) : null,
  };
}

/** A closed meeting is the record of what happened: its agenda and decisions no longer change. */
export function requireOpen(meeting: MeetingRow): void {
  if (meeting.status === 'closed') {
    throw new ProblemError(PROBLEM.conflict, 'The meeting is closed.', { code: 'meeting-closed' });
  }
}

/** The partnership's latest 200 meetings, newest first, as summaries. */
export async function listMeetings(db: Executor, partnershipId: string) {
  const rows = await db
    .selectFrom('meeting')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .orderBy('starts_at', 'desc')
    .orderBy('id')
    .limit(200)
    .execute();
  const meetings = [];
  for (const r of rows) meetings.push(toMeetingSummary(await loadMeeting(db, partnershipId, r.id)));
  return meetings;
}

export function toMeetingSummary(m: MeetingRow) {
  return {
    id: m.id,
    title: m.title,
    startsAt: m.startsAt.toISOString(),
    place: m.place,
    online: m.online,
    status: m.status,
    createdBy: m.createdBy,
    closedAt: m.closedAt?.toISOString() ?? null,
    agendaGenerated: m.agendaGeneratedAt !== null,
  };
}

export async function meetingDetail(db: Executor, meeting: MeetingRow) {
  const attendees = await db
    .selectFrom('meeting_attendee as t')
    .innerJoin('agency as g', 'g.id', 't.agency_id')
    .leftJoin('app_user as u', 'u.id', 't.user_id')
    .select(['g.id', 'g.code', 'g.name', 't.user_id', 'u.display_name', 't.present'])
    .where('t.meeting_id', '=', meeting.id)
    .orderBy('g.code')
    .execute();
  const period = await agendaPeriod(db, meeting);
  const previous = period.since
    ? await db
        .selectFrom('meeting')
        .select(['id', 'starts_at'])
        .where('partnership_id', '=', meeting.partnershipId)
        .where('starts_at', '=', period.since)
        .orderBy('id')
        .executeTakeFirst()
    : undefined;
  return {
    ...toMeetingSummary(meeting),
    previousMeeting: previous
      ? { id: previous.id, startsAt: new Date(previous.starts_at).toISOString() }
      : null,
    attendees: attendees.map((a) => ({
      agency: { id: a.id, code: a.code, name: a.name },
      user: a.user_id ? { id: a.user_id, name: a.display_name ?? '' } : null,
      present: a.present,
    })),
  };
}

/** Arrays are mutable because the route's zod-inferred response type (what Hono checks) is. */
export interface AgendaItemView {
  readonly id: string;
  readonly position: number;
  readonly kind: AgendaKind;
  readonly title: string;
  readonly hotspot: {
    readonly id: string;
    readonly name: string;
    readonly status: HotspotStatus;
    readonly risk: RiskRating | null;
    readonly reviewOn: string | null;
  } | null;
  readonly action: AgendaAction | null;
  readonly hotspotActions: AgendaAction[];
  readonly decisions: { id: string; text: string; by: string; at: string }[];
  readonly viewId: string | null;
}

export type AgendaAction = ReturnType<typeof toAgendaAction>;

export function toAgendaAction(a: ActionRow) {
  return {
    id: a.id,
    hotspotId: a.hotspotId,
    hotspotName: a.hotspotName,
    priority: a.priority,
    agency: a.agency,
    title: a.title,
    dueOn: a.dueOn,
    status: a.status as ActionStatus,
    overdue: a.overdue,
    acknowledgedAt: a.acknowledgedAt,
    completedAt: a.completedAt,
    outcome: a.outcome,
    meetingId: a.meetingId,
  };
}

/**
 * Which items and actions a user may see of an agenda. Partners (pack copies only) see the items
 * about their agency's actions and about hotspots their agency has an action on, and of those
 * only their agency's actions; custom items not tied to such a hotspot are left out, since
 * their text is the chair's and may concern any agency.
 */
export function agendaAudience(user: Pick<SessionUser, 'role' | 'agencyId'>) {
  return user.role === 'partner' ? { agencyId: user.agencyId } : { agencyId: undefined };
}

/** The persisted agenda with what each item is about, as `user` may see it. */
export async function loadAgendaItems(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  meeting: MeetingRow,
  user: Pick<SessionUser, 'role' | 'agencyId'>,
): Promise<AgendaItemView[]> {
  const today = isoDay(deps.clock());
  const { agencyId } = agendaAudience(user);
  const items = await deps.db.kysely
    .selectFrom('agenda_item as i')
    .leftJoin('hotspot as h', 'h.id', 'i.hotspot_id')
    .select([
      'i.id',
      'i.position',
      'i.kind',
      'i.title',
      'i.hotspot_id',
      'i.action_id',
      'i.view_id',
      'h.name as hotspot_name',
      'h.status as hotspot_status',
      'h.risk as hotspot_risk',
      sql<string | null>`h.review_on::text`.as('hotspot_review_on'),
    ])
    .where('i.meeting_id', '=', meeting.id)
    .orderBy('i.position')
    .orderBy('i.id')
    .execute();
  const actions = await selectActions(
    deps.db,
    { partnershipId: meeting.partnershipId, agencyId },
    today,
  );
  const actionsById = new Map(actions.map((a) => [a.id, a]));
  const actionsByHotspot = new Map<string, ActionRow[]>();
  for (const a of actions) {
    actionsByHotspot.set(a.hotspotId, [...(actionsByHotspot.get(a.hotspotId) ?? []), a]);
  }
  const decisions = await deps.db.kysely
    .selectFrom('agenda_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .select(['d.id', 'd.agenda_item_id', 'd.text', 'u.display_name', 'd.decided_at'])
    .where('d.meeting_id', '=', meeting.id)
    .orderBy('d.decided_at')
    .orderBy('d.id')
    .execute();
  const visible = items.filter((i) => {
    if (agencyId === undefined) return true;
    if (i.action_id) return actionsById.has(i.action_id);
    return i.hotspot_id !== null && actionsByHotspot.has(i.hotspot_id);
  });
  return visible.map((i, index) => ({
    id: i.id,
    position: agencyId === undefined ? i.position : index,
    kind: i.kind,
    title: i.title,
    hotspot:
      i.hotspot_id && i.hotspot_name
        ? {
            id: i.hotspot_id,
            name: i.hotspot_name,
            status: i.hotspot_status as HotspotStatus,
            risk: i.hotspot_risk as RiskRating | null,
            reviewOn: i.hotspot_review_on,
          }
        : null,
    action: i.action_id ? toAgendaActionOrNull(actionsById.get(i.action_id)) : null,
    hotspotActions: i.hotspot_id
      ? (actionsByHotspot.get(i.hotspot_id) ?? []).map(toAgendaAction)
      : [],
    decisions: decisions
      .filter((d) => d.agenda_item_id === i.id)
      .map((d) => ({
        id: d.id,
        text: d.text,
        by: d.display_name,
        at: new Date(d.decided_at).toISOString(),
      })),
    viewId: i.view_id,
  }));
}

function toAgendaActionOrNull(a: ActionRow | undefined) {
  return a ? toAgendaAction(a) : null;
}

export async function agendaResponse(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  meeting: MeetingRow,
  user: Pick<SessionUser, 'role' | 'agencyId'>,
) {
  const period = await agendaPeriod(deps.db.kysely, meeting);
  return {
    meetingId: meeting.id,
    since: period.since?.toISOString() ?? null,
    until: period.until.toISOString(),
    generatedAt: meeting.agendaGeneratedAt?.toISOString() ?? null,
    rules: AGENDA_RULES,
    items: await loadAgendaItems(deps, meeting, user),
  };
}
