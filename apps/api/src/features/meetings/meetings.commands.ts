// Over 400 lines because it is the meetings feature's one commands file: every write of meetings
// and their agendas, each in its own transaction, with the agenda generation they call.
import type { z } from '@hono/zod-openapi';
import type { MeetingStatus } from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import type {
  AgendaItemChangeSchema,
  MeetingChangeSchema,
  NewAgendaItemSchema,
  NewMeetingSchema,
} from '../../http/request-schemas.ts';
import {
  type AgendaCandidate,
  agendaCandidates,
  agendaPeriod,
  emergingCellsOutsideHotspots,
} from './agenda-generation.ts';
import { loadMeeting, type MeetingRow, requireOpen } from './meetings.queries.ts';

// Each command writes in one transaction, on the meeting row locked, and returns what the
// handler needs for the audit trail; the handler then reads the answer with the queries.

type Executor = Kysely<Database>;

/** Meetings move forward one step at a time; a closed meeting is the record and stays closed. */
const NEXT_STATUS: Readonly<Record<MeetingStatus, MeetingStatus | null>> = {
  planned: 'in_progress',
  in_progress: 'closed',
  closed: null,
};

/** Runs `change` on the locked, open meeting in one transaction. */
async function inOpenMeeting(
  deps: AppDeps,
  user: SessionUser,
  meetingId: string,
  change: (trx: Executor, meeting: MeetingRow) => Promise<void>,
): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const meeting = await loadMeeting(trx, user.partnershipId, meetingId, { forUpdate: true });
    requireOpen(meeting);
    await change(trx, meeting);
  });
}

async function requireItem(trx: Executor, meetingId: string, itemId: string) {
  const item = await trx
    .selectFrom('agenda_item')
    .select(['id', 'kind'])
    .where('id', '=', itemId)
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst();
  if (!item) throw new ProblemError(PROBLEM.notFound, 'No such agenda item.');
  return item;
}

async function requireInPartnership(
  trx: Executor,
  table: 'hotspot' | 'saved_view',
  id: string,
  partnershipId: string,
  pointer: string,
) {
  const found = await trx
    .selectFrom(table)
    .select('id')
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  if (!found) {
    throw new ProblemError(
      PROBLEM.validation,
      `No such ${table === 'hotspot' ? 'hotspot' : 'saved view'}.`,
      {
        errors: [{ pointer, detail: 'unknown id' }],
      },
    );
  }
}

/** Invites agencies or records who was there; every agency and user must be the partnership's. */
async function applyAttendance(
  trx: Executor,
  meeting: MeetingRow,
  attendance: readonly {
    agencyId: string;
    present: boolean;
    userId?: string | null | undefined;
  }[],
) {
  for (const [index, entry] of attendance.entries()) {
    const agency = await trx
      .selectFrom('agency')
      .select('id')
      .where('id', '=', entry.agencyId)
      .where('partnership_id', '=', meeting.partnershipId)
      .executeTakeFirst();
    if (!agency) {
      throw new ProblemError(PROBLEM.validation, 'No such agency in this partnership.', {
        errors: [{ pointer: `/body/attendance/${index}/agencyId`, detail: 'unknown agency' }],
      });
    }
    if (entry.userId) {
      const member = await trx
        .selectFrom('app_user')
        .select('id')
        .where('id', '=', entry.userId)
        .where('agency_id', '=', entry.agencyId)
        .where('partnership_id', '=', meeting.partnershipId)
        .executeTakeFirst();
      if (!member) {
        throw new ProblemError(PROBLEM.validation, 'That person is not of that agency.', {
          errors: [
            { pointer: `/body/attendance/${index}/userId`, detail: 'not a user of the agency' },
          ],
        });
      }
    }
    await trx
      .insertInto('meeting_attendee')
      .values({
        meeting_id: meeting.id,
        partnership_id: meeting.partnershipId,
        agency_id: entry.agencyId,
        user_id: entry.userId ?? null,
        present: entry.present,
      })
      .onConflict((oc) =>
        oc.columns(['meeting_id', 'agency_id']).doUpdateSet({
          present: entry.present,
          ...(entry.userId !== undefined ? { user_id: entry.userId } : {}),
        }),
      )
      .execute();
  }
}

/** Plans a meeting and invites its agencies; returns its id. */
export async function createMeeting(
  deps: AppDeps,
  user: SessionUser,
  body: z.infer<typeof NewMeetingSchema>,
): Promise<string> {
  const id = deps.newId();
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('meeting')
      .values({
        id,
        partnership_id: user.partnershipId,
        title: body.title,
        starts_at: new Date(body.startsAt),
        place: body.place ?? null,
        online: body.online,
        status: 'planned',
        created_by: user.id,
        created_at: deps.clock(),
      })
      .execute();
    const meeting = await loadMeeting(trx, user.partnershipId, id);
    await applyAttendance(
      trx,
      meeting,
      [...new Set(body.attendeeAgencyIds)].map((agencyId) => ({ agencyId, present: false })),
    );
  });
  return id;
}

/** Changes an open meeting, moving its status one step on when asked (409 otherwise). */
export async function changeMeeting(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  change: z.infer<typeof MeetingChangeSchema>,
): Promise<{ from: MeetingStatus; to: MeetingStatus | null }> {
  const now = deps.clock();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const meeting = await loadMeeting(trx, user.partnershipId, id, { forUpdate: true });
    requireOpen(meeting);
    const to = change.status;
    const statusChanges = to !== undefined && to !== meeting.status;
    if (statusChanges && NEXT_STATUS[meeting.status] !== to) {
      throw new ProblemError(
        PROBLEM.conflict,
        `A ${meeting.status.replace('_', ' ')} meeting can only become ${NEXT_STATUS[meeting.status]?.replace('_', ' ')}.`,
        { code: 'invalid-transition', allowed: [NEXT_STATUS[meeting.status]] },
      );
    }
    const place = change.place === undefined ? meeting.place : change.place;
    const online = change.online ?? meeting.online;
    if (place === null && !online) {
      throw new ProblemError(PROBLEM.validation, 'Give a place, or say the meeting is online.', {
        errors: [{ pointer: '/body/place', detail: 'a place or online is required' }],
      });
    }
    await trx
      .updateTable('meeting')
      .set({
        ...(change.title !== undefined ? { title: change.title } : {}),
        ...(change.startsAt !== undefined ? { starts_at: new Date(change.startsAt) } : {}),
        place,
        online,
        ...(statusChanges ? { status: to, ...(to === 'closed' ? { closed_at: now } : {}) } : {}),
      })
      .where('id', '=', id)
      .execute();
    if (change.attendance) await applyAttendance(trx, meeting, change.attendance);
    return { from: meeting.status, to: statusChanges ? to : null };
  });
}

/**
 * Generates the agenda on the first read of an open meeting; later reads leave it as the chair
 * made it. Returns how many items were generated, or null when nothing was.
 */
export async function ensureAgenda(
  deps: AppDeps,
  user: SessionUser,
  meeting: MeetingRow,
): Promise<number | null> {
  if (meeting.agendaGeneratedAt !== null || meeting.status === 'closed') return null;
  const emerging = await emergingCellsOutsideHotspots(
    deps,
    user.partnershipId,
    isoDay(meeting.startsAt),
  );
  return deps.db.kysely.transaction().execute(async (trx) => {
    const locked = await loadMeeting(trx, user.partnershipId, meeting.id, { forUpdate: true });
    // Another request may have generated it while we waited for the lock.
    if (locked.agendaGeneratedAt !== null) return null;
    return generateAgenda(deps, trx, locked, emerging);
  });
}

/** Adds the generated items to an open meeting's agenda again; returns how many were added. */
export async function regenerateAgenda(
  deps: AppDeps,
  user: SessionUser,
  id: string,
): Promise<number> {
  const meeting = await loadMeeting(deps.db.kysely, user.partnershipId, id);
  requireOpen(meeting);
  const emerging = await emergingCellsOutsideHotspots(
    deps,
    user.partnershipId,
    isoDay(meeting.startsAt),
  );
  let added = 0;
  await inOpenMeeting(deps, user, id, async (trx, locked) => {
    added = await generateAgenda(deps, trx, locked, emerging);
  });
  return added;
}

/** Puts the agenda in the chair's order; every item must be named once. */
export async function reorderAgenda(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  itemIds: readonly string[],
): Promise<void> {
  await inOpenMeeting(deps, user, id, async (trx) => {
    const current = await trx
      .selectFrom('agenda_item')
      .select('id')
      .where('meeting_id', '=', id)
      .execute();
    const currentIds = new Set(current.map((i) => i.id));
    const givenIds = new Set(itemIds);
    if (
      givenIds.size !== itemIds.length ||
      givenIds.size !== currentIds.size ||
      ![...currentIds].every((i) => givenIds.has(i))
    ) {
      throw new ProblemError(PROBLEM.validation, 'Give every item of the agenda once.', {
        errors: [
          {
            pointer: '/body/itemIds',
            detail: `must list the ${currentIds.size} items of the agenda, each once`,
          },
        ],
      });
    }
    for (const [position, itemId] of itemIds.entries()) {
      await trx.updateTable('agenda_item').set({ position }).where('id', '=', itemId).execute();
    }
  });
}

/** Adds a custom item at a position (the end by default); returns its id. */
export async function addAgendaItem(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  body: z.infer<typeof NewAgendaItemSchema>,
): Promise<string> {
  const itemId = deps.newId();
  await inOpenMeeting(deps, user, id, async (trx, meeting) => {
    if (body.hotspotId)
      await requireInPartnership(
        trx,
        'hotspot',
        body.hotspotId,
        user.partnershipId,
        '/body/hotspotId',
      );
    if (body.viewId)
      await requireInPartnership(
        trx,
        'saved_view',
        body.viewId,
        user.partnershipId,
        '/body/viewId',
      );
    const count = await trx
      .selectFrom('agenda_item')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('meeting_id', '=', id)
      .executeTakeFirstOrThrow();
    const position = Math.min(body.position ?? count.n, count.n);
    // Make room, then renumber: positions stay 0..n-1 in the chair's order.
    await sql`update agenda_item set position = position + 1 where meeting_id = ${id} and position >= ${position}`.execute(
      trx,
    );
    await trx
      .insertInto('agenda_item')
      .values({
        id: itemId,
        partnership_id: meeting.partnershipId,
        meeting_id: id,
        position,
        kind: 'custom',
        hotspot_id: body.hotspotId ?? null,
        action_id: null,
        title: body.title,
        decision: null,
        view_id: body.viewId ?? null,
      })
      .execute();
    await renumberAgenda(trx, id);
  });
  return itemId;
}

export async function changeAgendaItem(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  itemId: string,
  body: z.infer<typeof AgendaItemChangeSchema>,
): Promise<void> {
  await inOpenMeeting(deps, user, id, async (trx) => {
    await requireItem(trx, id, itemId);
    if (body.viewId)
      await requireInPartnership(
        trx,
        'saved_view',
        body.viewId,
        user.partnershipId,
        '/body/viewId',
      );
    await trx
      .updateTable('agenda_item')
      .set({
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.viewId !== undefined ? { view_id: body.viewId } : {}),
      })
      .where('id', '=', itemId)
      .execute();
  });
}

/** Removes an item that has no decision (409 otherwise: a decision stays in the minutes). */
export async function removeAgendaItem(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  itemId: string,
): Promise<void> {
  await inOpenMeeting(deps, user, id, async (trx) => {
    await requireItem(trx, id, itemId);
    const decided = await trx
      .selectFrom('agenda_decision')
      .select('id')
      .where('agenda_item_id', '=', itemId)
      .executeTakeFirst();
    if (decided) {
      throw new ProblemError(
        PROBLEM.conflict,
        'This item has a decision recorded; it stays in the minutes.',
        {
          code: 'item-decided',
        },
      );
    }
    await trx.deleteFrom('agenda_item').where('id', '=', itemId).execute();
    await renumberAgenda(trx, id);
  });
}

/** Records a decision on an item of an open meeting; returns its id. */
export async function recordDecision(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  itemId: string,
  text: string,
): Promise<string> {
  const decisionId = deps.newId();
  const now = deps.clock();
  await inOpenMeeting(deps, user, id, async (trx) => {
    await requireItem(trx, id, itemId);
    await trx
      .insertInto('agenda_decision')
      .values({
        id: decisionId,
        partnership_id: user.partnershipId,
        meeting_id: id,
        agenda_item_id: itemId,
        text,
        decided_by: user.id,
        decided_at: now,
      })
      .execute();
  });
  return decisionId;
}

/**
 * Adds generated items for everything the data calls for that the agenda does not hold yet.
 * The first generation fills an empty agenda; a regeneration first drops generated items that
 * have no decision (the data may have moved on) and keeps custom items, decided items and the
 * chair's order, appending what is new at the end.
 */
export async function generateAgenda(
  deps: Pick<AppDeps, 'clock' | 'newId'>,
  trx: Executor,
  meeting: MeetingRow,
  emergingCells: number,
): Promise<number> {
  await sql`
    delete from agenda_item i where i.meeting_id = ${meeting.id} and i.kind <> 'custom'
      and not exists (select 1 from agenda_decision d where d.agenda_item_id = i.id)`.execute(trx);
  const kept = await trx
    .selectFrom('agenda_item')
    .select(['id', 'kind', 'hotspot_id', 'action_id'])
    .where('meeting_id', '=', meeting.id)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const keyOf = (c: { kind: string; hotspot_id?: string | null; action_id?: string | null }) =>
    `${c.kind}|${c.hotspot_id ?? ''}|${c.action_id ?? ''}`;
  const present = new Set(kept.map(keyOf));
  const period = await agendaPeriod(trx, meeting);
  const candidates = (
    await agendaCandidates(trx, meeting.partnershipId, period, emergingCells)
  ).filter(
    (c: AgendaCandidate) =>
      !present.has(keyOf({ kind: c.kind, hotspot_id: c.hotspotId, action_id: c.actionId })),
  );
  for (const [index, item] of kept.entries()) {
    await trx
      .updateTable('agenda_item')
      .set({ position: index })
      .where('id', '=', item.id)
      .execute();
  }
  if (candidates.length > 0) {
    await trx
      .insertInto('agenda_item')
      .values(
        candidates.map((c, index) => ({
          id: deps.newId(),
          partnership_id: meeting.partnershipId,
          meeting_id: meeting.id,
          position: kept.length + index,
          kind: c.kind,
          hotspot_id: c.hotspotId,
          action_id: c.actionId,
          title: c.title,
          decision: null,
        })),
      )
      .execute();
  }
  await trx
    .updateTable('meeting')
    .set({ agenda_generated_at: deps.clock() })
    .where('id', '=', meeting.id)
    .execute();
  return candidates.length;
}

/** Positions 0..n-1 in the current order (after an insert or a removal). */
export async function renumberAgenda(trx: Executor, meetingId: string): Promise<void> {
  await sql`
    update agenda_item i set position = o.n
    from (select id, (row_number() over (order by position, id) - 1)::int as n
          from agenda_item where meeting_id = ${meetingId}) o
    where i.id = o.id and i.position <> o.n`.execute(trx);
}
