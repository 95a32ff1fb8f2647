import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import {
  AgendaItemParamSchema,
  AgendaSchema,
  MeetingIdParamSchema,
  MeetingListSchema,
  MeetingSchema,
  type MeetingStatus,
  RecordedDecisionSchema,
} from '@hotspot/contracts';
import { sql } from 'kysely';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  AgendaItemChangeSchema,
  AgendaOrderSchema,
  MeetingChangeSchema,
  NewAgendaItemSchema,
  NewDecisionSchema,
  NewMeetingSchema,
} from '../../http/request-schemas.ts';
import { isoDay } from '../actions/action-queries.ts';
import { audit } from '../audit/audit.ts';
import { readCategory } from '../layers/layer-response.ts';
import { emergingCellsOutsideHotspots } from './agenda-generation.ts';
import {
  agendaResponse,
  generateAgenda,
  loadAgendaItems,
  loadMeeting,
  type MeetingRow,
  meetingDetail,
  renumberAgenda,
  requireOpen,
  toMeetingSummary,
} from './meeting-queries.ts';
import { packRoutes } from './pack.routes.ts';

const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Meetings move forward one step at a time; a closed meeting is the record and stays closed. */
const NEXT_STATUS: Readonly<Record<MeetingStatus, MeetingStatus | null>> = {
  planned: 'in_progress',
  in_progress: 'closed',
  closed: null,
};

const createMeetingRoute = createRoute({
  method: 'post',
  path: '/api/meetings',
  summary: 'Plan a tasking meeting (a place, online, or both) and invite agencies',
  request: jsonBody(NewMeetingSchema),
  responses: { 201: ok(MeetingSchema, 'Planned'), ...problemResponses(401, 403, 422) },
});
const listMeetingsRoute = createRoute({
  method: 'get',
  path: '/api/meetings',
  summary: 'Meetings, latest first',
  responses: {
    200: ok(MeetingListSchema, 'Meetings'),
    ...problemResponses(401, 403),
  },
});
const getMeetingRoute = createRoute({
  method: 'get',
  path: '/api/meetings/{id}',
  summary: 'A meeting with its attendees',
  request: { params: MeetingIdParamSchema },
  responses: { 200: ok(MeetingSchema, 'The meeting'), ...problemResponses(401, 403, 404, 422) },
});
const changeMeetingRoute = createRoute({
  method: 'patch',
  path: '/api/meetings/{id}',
  summary: 'Change the details, move the status on (planned, in progress, closed), take attendance',
  request: { params: MeetingIdParamSchema, ...jsonBody(MeetingChangeSchema) },
  responses: { 200: ok(MeetingSchema, 'Changed'), ...problemResponses(401, 403, 404, 409, 422) },
});
const getAgendaRoute = createRoute({
  method: 'get',
  path: '/api/meetings/{id}/agenda',
  summary:
    'The agenda; generated from the data for the period since the previous meeting on first read, then kept for the chair to edit',
  request: { params: MeetingIdParamSchema },
  responses: { 200: ok(AgendaSchema, 'The agenda'), ...problemResponses(401, 403, 404, 422) },
});
const generateAgendaRoute = createRoute({
  method: 'post',
  path: '/api/meetings/{id}/agenda/generate',
  summary:
    'Generate the agenda again: items with decisions, custom items and the order are kept; what the data now calls for is appended',
  request: { params: MeetingIdParamSchema },
  responses: { 200: ok(AgendaSchema, 'The agenda'), ...problemResponses(401, 403, 404, 409, 422) },
});
const reorderAgendaRoute = createRoute({
  method: 'patch',
  path: '/api/meetings/{id}/agenda',
  summary: 'Reorder the agenda (every item, once)',
  request: { params: MeetingIdParamSchema, ...jsonBody(AgendaOrderSchema) },
  responses: { 200: ok(AgendaSchema, 'The agenda'), ...problemResponses(401, 403, 404, 409, 422) },
});
const addItemRoute = createRoute({
  method: 'post',
  path: '/api/meetings/{id}/agenda/items',
  summary: 'Add a custom item (optionally about a hotspot, with a saved map view)',
  request: { params: MeetingIdParamSchema, ...jsonBody(NewAgendaItemSchema) },
  responses: { 201: ok(AgendaSchema, 'The agenda'), ...problemResponses(401, 403, 404, 409, 422) },
});
const changeItemRoute = createRoute({
  method: 'patch',
  path: '/api/meetings/{id}/agenda/items/{itemId}',
  summary: 'Retitle an item or attach a saved map view to it',
  request: { params: AgendaItemParamSchema, ...jsonBody(AgendaItemChangeSchema) },
  responses: { 200: ok(AgendaSchema, 'The agenda'), ...problemResponses(401, 403, 404, 409, 422) },
});
const removeItemRoute = createRoute({
  method: 'delete',
  path: '/api/meetings/{id}/agenda/items/{itemId}',
  summary: 'Remove an item (not one with a decision)',
  request: { params: AgendaItemParamSchema },
  responses: { 200: ok(AgendaSchema, 'The agenda'), ...problemResponses(401, 403, 404, 409, 422) },
});
const decisionRoute = createRoute({
  method: 'post',
  path: '/api/meetings/{id}/items/{itemId}/decision',
  summary: 'Record a decision against an agenda item (who and when are recorded)',
  request: { params: AgendaItemParamSchema, ...jsonBody(NewDecisionSchema) },
  responses: {
    201: ok(RecordedDecisionSchema, 'Recorded'),
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

export function meetingRoutes(deps: AppDeps) {
  const db = deps.db.kysely;

  const auditChange = (
    c: Parameters<typeof audit>[1],
    action: string,
    meetingId: string,
    query: Record<string, unknown> = {},
  ) =>
    audit(deps, c, {
      category: 'alteration',
      action,
      objectType: 'meeting',
      objectId: meetingId,
      query,
    });

  /** Runs `change` on the locked, open meeting, then answers with the agenda as `user` sees it. */
  const changeAgenda = async (
    user: SessionUser,
    meetingId: string,
    change: (trx: typeof db, meeting: MeetingRow) => Promise<void>,
  ) => {
    await db.transaction().execute(async (trx) => {
      const meeting = await loadMeeting(trx, user.partnershipId, meetingId, { forUpdate: true });
      requireOpen(meeting);
      await change(trx, meeting);
    });
    return agendaResponse(deps, await loadMeeting(db, user.partnershipId, meetingId), user);
  };

  const requireItem = async (trx: typeof db, meetingId: string, itemId: string) => {
    const item = await trx
      .selectFrom('agenda_item')
      .select(['id', 'kind'])
      .where('id', '=', itemId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (!item) throw new ProblemError(PROBLEM.notFound, 'No such agenda item.');
    return item;
  };

  const requireInPartnership = async (
    trx: typeof db,
    table: 'hotspot' | 'saved_view',
    id: string,
    partnershipId: string,
    pointer: string,
  ) => {
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
  };

  /** Invites agencies or records who was there; every agency and user must be the partnership's. */
  const applyAttendance = async (
    trx: typeof db,
    meeting: MeetingRow,
    attendance: readonly {
      agencyId: string;
      present: boolean;
      userId?: string | null | undefined;
    }[],
  ) => {
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
  };

  return new OpenAPIHono<AppEnv>()
    .openapi(createMeetingRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const id = deps.newId();
      await db.transaction().execute(async (trx) => {
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
      await auditChange(c, 'meeting.create', id, { startsAt: body.startsAt, online: body.online });
      const meeting = await loadMeeting(db, user.partnershipId, id);
      return c.json(await meetingDetail(db, meeting), 201);
    })
    .openapi(listMeetingsRoute, async (c) => {
      const user = currentUser(c);
      const rows = await db
        .selectFrom('meeting')
        .select('id')
        .where('partnership_id', '=', user.partnershipId)
        .orderBy('starts_at', 'desc')
        .orderBy('id')
        .limit(200)
        .execute();
      const meetings = [];
      for (const r of rows)
        meetings.push(toMeetingSummary(await loadMeeting(db, user.partnershipId, r.id)));
      await audit(deps, c, {
        category: readCategory(user),
        action: 'meeting.list',
        query: { results: meetings.length },
      });
      return c.json({ meetings }, 200);
    })
    .openapi(getMeetingRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const meeting = await loadMeeting(db, user.partnershipId, id);
      const detail = await meetingDetail(db, meeting);
      await audit(deps, c, {
        category: readCategory(user),
        action: 'meeting.read',
        objectType: 'meeting',
        objectId: id,
      });
      return c.json(detail, 200);
    })
    .openapi(changeMeetingRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      const now = deps.clock();
      const result = await db.transaction().execute(async (trx) => {
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
          throw new ProblemError(
            PROBLEM.validation,
            'Give a place, or say the meeting is online.',
            {
              errors: [{ pointer: '/body/place', detail: 'a place or online is required' }],
            },
          );
        }
        await trx
          .updateTable('meeting')
          .set({
            ...(change.title !== undefined ? { title: change.title } : {}),
            ...(change.startsAt !== undefined ? { starts_at: new Date(change.startsAt) } : {}),
            place,
            online,
            ...(statusChanges
              ? { status: to, ...(to === 'closed' ? { closed_at: now } : {}) }
              : {}),
          })
          .where('id', '=', id)
          .execute();
        if (change.attendance) await applyAttendance(trx, meeting, change.attendance);
        return { from: meeting.status, to: statusChanges ? to : null };
      });
      await auditChange(c, result.to ? 'meeting.status' : 'meeting.update', id, {
        fields: Object.keys(change),
        ...(result.to ? { from: result.from, to: result.to } : {}),
        ...(change.attendance ? { attendance: change.attendance.length } : {}),
      });
      return c.json(await meetingDetail(db, await loadMeeting(db, user.partnershipId, id)), 200);
    })
    .openapi(getAgendaRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      let meeting = await loadMeeting(db, user.partnershipId, id);
      // Generated once, on the first read, then it is the chair's (a closed meeting keeps what it had).
      if (meeting.agendaGeneratedAt === null && meeting.status !== 'closed') {
        const emerging = await emergingCellsOutsideHotspots(
          deps,
          user.partnershipId,
          isoDay(meeting.startsAt),
        );
        const generated = await db.transaction().execute(async (trx) => {
          const locked = await loadMeeting(trx, user.partnershipId, id, { forUpdate: true });
          // Another request may have generated it while we waited for the lock.
          if (locked.agendaGeneratedAt !== null) return null;
          return generateAgenda(deps, trx, locked, emerging);
        });
        if (generated !== null)
          await auditChange(c, 'meeting.agenda.generate', id, { items: generated });
        meeting = await loadMeeting(db, user.partnershipId, id);
      }
      const agenda = await agendaResponse(deps, meeting, user);
      await audit(deps, c, {
        category: readCategory(user),
        action: 'meeting.agenda.read',
        objectType: 'meeting',
        objectId: id,
      });
      return c.json(agenda, 200);
    })
    .openapi(generateAgendaRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const meeting = await loadMeeting(db, user.partnershipId, id);
      requireOpen(meeting);
      const emerging = await emergingCellsOutsideHotspots(
        deps,
        user.partnershipId,
        isoDay(meeting.startsAt),
      );
      let added = 0;
      const agenda = await changeAgenda(user, id, async (trx, locked) => {
        added = await generateAgenda(deps, trx, locked, emerging);
      });
      await auditChange(c, 'meeting.agenda.generate', id, { items: added });
      return c.json(agenda, 200);
    })
    .openapi(reorderAgendaRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const { itemIds } = c.req.valid('json');
      const agenda = await changeAgenda(user, id, async (trx) => {
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
      await auditChange(c, 'meeting.agenda.reorder', id, { items: itemIds.length });
      return c.json(agenda, 200);
    })
    .openapi(addItemRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const itemId = deps.newId();
      const agenda = await changeAgenda(user, id, async (trx, meeting) => {
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
      await auditChange(c, 'meeting.agenda.add', id, { itemId, hotspotId: body.hotspotId ?? null });
      return c.json(agenda, 201);
    })
    .openapi(changeItemRoute, async (c) => {
      const user = currentUser(c);
      const { id, itemId } = c.req.valid('param');
      const body = c.req.valid('json');
      const agenda = await changeAgenda(user, id, async (trx) => {
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
      await auditChange(c, 'meeting.agenda.change', id, { itemId, fields: Object.keys(body) });
      return c.json(agenda, 200);
    })
    .openapi(removeItemRoute, async (c) => {
      const user = currentUser(c);
      const { id, itemId } = c.req.valid('param');
      const agenda = await changeAgenda(user, id, async (trx) => {
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
      await auditChange(c, 'meeting.agenda.remove', id, { itemId });
      return c.json(agenda, 200);
    })
    .openapi(decisionRoute, async (c) => {
      const user = currentUser(c);
      const { id, itemId } = c.req.valid('param');
      const { text } = c.req.valid('json');
      const decisionId = deps.newId();
      const now = deps.clock();
      await db.transaction().execute(async (trx) => {
        const meeting = await loadMeeting(trx, user.partnershipId, id, { forUpdate: true });
        requireOpen(meeting);
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
      // The decision's text stays out of the audit trail, as OSARA text and reasons do.
      await auditChange(c, 'meeting.decision', id, { itemId, decisionId });
      const items = await loadAgendaItems(
        deps,
        await loadMeeting(db, user.partnershipId, id),
        user,
      );
      const item = items.find((i) => i.id === itemId)!;
      const decision = item.decisions.find((d) => d.id === decisionId)!;
      return c.json({ decision, item }, 201);
    })
    .route('/', packRoutes(deps));
}
