import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import {
  AgendaItemParamSchema,
  AgendaSchema,
  MeetingIdParamSchema,
  MeetingListSchema,
  MeetingSchema,
  RecordedDecisionSchema,
} from '@hotspot/contracts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import {
  AgendaItemChangeSchema,
  AgendaOrderSchema,
  MeetingChangeSchema,
  NewAgendaItemSchema,
  NewDecisionSchema,
  NewMeetingSchema,
} from '../../http/request-schemas.ts';
import { readCategory } from '../analysis/index.ts';
import { audit } from '../audit/index.ts';
import {
  addAgendaItem,
  changeAgendaItem,
  changeMeeting,
  createMeeting,
  ensureAgenda,
  recordDecision,
  regenerateAgenda,
  removeAgendaItem,
  reorderAgenda,
} from './meetings.commands.ts';
import {
  agendaResponse,
  listMeetings,
  loadAgendaItems,
  loadMeeting,
  meetingDetail,
} from './meetings.queries.ts';
import { packRoutes } from './pack.routes.ts';

const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

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

  /** The agenda as `user` sees it, read after a change. */
  const agendaOf = async (user: SessionUser, meetingId: string) =>
    agendaResponse(deps, await loadMeeting(db, user.partnershipId, meetingId), user);

  return new OpenAPIHono<AppEnv>()
    .openapi(createMeetingRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const id = await createMeeting(deps, user, body);
      await auditChange(c, 'meeting.create', id, { startsAt: body.startsAt, online: body.online });
      const meeting = await loadMeeting(db, user.partnershipId, id);
      return c.json(await meetingDetail(db, meeting), 201);
    })
    .openapi(listMeetingsRoute, async (c) => {
      const user = currentUser(c);
      const meetings = await listMeetings(db, user.partnershipId);
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
      const result = await changeMeeting(deps, user, id, change);
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
        const generated = await ensureAgenda(deps, user, meeting);
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
      const added = await regenerateAgenda(deps, user, id);
      const agenda = await agendaOf(user, id);
      await auditChange(c, 'meeting.agenda.generate', id, { items: added });
      return c.json(agenda, 200);
    })
    .openapi(reorderAgendaRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const { itemIds } = c.req.valid('json');
      await reorderAgenda(deps, user, id, itemIds);
      const agenda = await agendaOf(user, id);
      await auditChange(c, 'meeting.agenda.reorder', id, { items: itemIds.length });
      return c.json(agenda, 200);
    })
    .openapi(addItemRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const itemId = await addAgendaItem(deps, user, id, body);
      const agenda = await agendaOf(user, id);
      await auditChange(c, 'meeting.agenda.add', id, { itemId, hotspotId: body.hotspotId ?? null });
      return c.json(agenda, 201);
    })
    .openapi(changeItemRoute, async (c) => {
      const user = currentUser(c);
      const { id, itemId } = c.req.valid('param');
      const body = c.req.valid('json');
      await changeAgendaItem(deps, user, id, itemId, body);
      const agenda = await agendaOf(user, id);
      await auditChange(c, 'meeting.agenda.change', id, { itemId, fields: Object.keys(body) });
      return c.json(agenda, 200);
    })
    .openapi(removeItemRoute, async (c) => {
      const user = currentUser(c);
      const { id, itemId } = c.req.valid('param');
      await removeAgendaItem(deps, user, id, itemId);
      const agenda = await agendaOf(user, id);
      await auditChange(c, 'meeting.agenda.remove', id, { itemId });
      return c.json(agenda, 200);
    })
    .openapi(decisionRoute, async (c) => {
      const user = currentUser(c);
      const { id, itemId } = c.req.valid('param');
      const { text } = c.req.valid('json');
      const decisionId = await recordDecision(deps, user, id, itemId, text);
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
