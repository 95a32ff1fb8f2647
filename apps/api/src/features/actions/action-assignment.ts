import { createRoute, type z } from '@hono/zod-openapi';
import { ActionDetailSchema, HotspotIdParamSchema, type HotspotStatus } from '@hotspot/contracts';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { NewActionSchema } from '../../http/request-schemas.ts';
import { acceptsActions, notFound, recordHotspotStatusChange } from '../hotspots/index.ts';
import { notifyActionEvent } from '../notifications/index.ts';
import { bumpDataVersion } from '../partnership/index.ts';

export const assignActionRoute = createRoute({
  method: 'post',
  path: '/api/hotspots/{id}/actions',
  summary:
    'Assign an action to an agency (a confirmed hotspot becomes tasked); the agency is notified',
  request: { params: HotspotIdParamSchema, ...jsonBody(NewActionSchema) },
  responses: {
    201: {
      description: 'Assigned',
      content: { 'application/json': { schema: ActionDetailSchema } },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

/**
 * Assigns an action on a hotspot to an agency, in one transaction: the action and its first
 * update, the hotspot tasked if it was confirmed (with its status history), the data version
 * moved on, and the agency's notification queued. Returns what the audit event names.
 */
export async function assignAction(
  deps: AppDeps,
  user: SessionUser,
  hotspotId: string,
  body: z.infer<typeof NewActionSchema>,
) {
  const now = deps.clock();
  const today = isoDay(now);
  if (body.dueOn < today) {
    throw new ProblemError(PROBLEM.validation, 'The due date has passed.', {
      errors: [{ pointer: '/body/dueOn', detail: `must be ${today} or later` }],
    });
  }
  const actionId = deps.newId();
  const event = await deps.db.kysely.transaction().execute(async (trx) => {
    const hotspot = await trx
      .selectFrom('hotspot')
      .select(['status', 'response_started_on'])
      .where('id', '=', hotspotId)
      .where('partnership_id', '=', user.partnershipId)
      .forUpdate()
      .executeTakeFirst();
    if (!hotspot) throw notFound('hotspot');
    const status = hotspot.status as HotspotStatus;
    if (!acceptsActions(status)) {
      throw new ProblemError(
        PROBLEM.conflict,
        status === 'proposed'
          ? 'Confirm the hotspot before assigning actions.'
          : 'Reopen the hotspot before assigning actions.',
        { code: 'hotspot-not-open' },
      );
    }
    const agency = await trx
      .selectFrom('agency')
      .select(['id', 'name'])
      .where('id', '=', body.agencyId)
      .where('partnership_id', '=', user.partnershipId)
      .executeTakeFirst();
    if (!agency) {
      throw new ProblemError(PROBLEM.validation, 'No such agency in this partnership.', {
        errors: [{ pointer: '/body/agencyId', detail: 'unknown agency' }],
      });
    }
    if (body.meetingId) {
      const meeting = await trx
        .selectFrom('meeting')
        .select('id')
        .where('id', '=', body.meetingId)
        .where('partnership_id', '=', user.partnershipId)
        .executeTakeFirst();
      if (!meeting) {
        throw new ProblemError(PROBLEM.validation, 'No such meeting.', {
          errors: [{ pointer: '/body/meetingId', detail: 'unknown meeting' }],
        });
      }
    }
    await trx
      .insertInto('action')
      .values({
        id: actionId,
        partnership_id: user.partnershipId,
        hotspot_id: hotspotId,
        priority: body.priority,
        agency_id: agency.id,
        title: body.title,
        detail: body.detail || null,
        due_on: body.dueOn,
        status: 'assigned',
        meeting_id: body.meetingId ?? null,
        created_by: user.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('action_update')
      .values({
        id: deps.newId(),
        partnership_id: user.partnershipId,
        action_id: actionId,
        author_id: user.id,
        created_at: now,
        from_status: null,
        to_status: 'assigned',
        note: null,
      })
      .execute();
    if (status === 'confirmed') {
      await trx
        .updateTable('hotspot')
        .set({
          status: 'tasked',
          updated_at: now,
          ...(hotspot.response_started_on === null ? { response_started_on: today } : {}),
        })
        .where('id', '=', hotspotId)
        .execute();
      await recordHotspotStatusChange(trx, {
        id: deps.newId(),
        partnershipId: user.partnershipId,
        hotspotId,
        from: 'confirmed',
        to: 'tasked',
        by: user.id,
        now,
        reason: 'First action assigned',
      });
    } else {
      await trx
        .updateTable('hotspot')
        .set({ updated_at: now })
        .where('id', '=', hotspotId)
        .execute();
    }
    await bumpDataVersion(trx, user.partnershipId);
    const event = {
      kind: 'action-assigned' as const,
      partnershipId: user.partnershipId,
      actionId,
      actionTitle: body.title,
      agencyId: agency.id,
      agencyName: agency.name,
      createdById: user.id,
      dueOn: body.dueOn,
    };
    await notifyActionEvent(deps, trx, event);
    return event;
  });
  return { actionId, agencyId: event.agencyId };
}
