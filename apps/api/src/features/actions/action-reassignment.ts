import { createRoute, z } from '@hono/zod-openapi';
import {
  ACTION_PRIORITY_LABELS,
  ActionDetailSchema,
  type ActionPriority,
  type ActionReassignment,
  type ActionStatus,
  type REASSIGNABLE_FIELDS,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import { isoDay } from '../../dates.ts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { fieldSentence, PROBLEM, ProblemError } from '../../http/problem.ts';
import { ActionReassignmentSchema } from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { notFound } from '../hotspots/index.ts';
import { notifyActionEvent } from '../notifications/index.ts';
import { bumpDataVersion } from '../partnership/index.ts';
import { actionDetailFor } from './action-detail.ts';
import { mayTakeStep, nextTimelineTime } from './action-workflow.ts';

export const reassignRoute = createRoute({
  method: 'patch',
  path: '/api/actions/{id}',
  summary:
    'Reassign an open action to another agency of the partnership and/or change its due date or priority, with a reason (the new agency must acknowledge it and is notified)',
  request: {
    params: z.object({ id: z.uuid() }),
    body: {
      content: { 'application/json': { schema: ActionReassignmentSchema } },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'The action after the change',
      content: { 'application/json': { schema: ActionDetailSchema } },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function invalidField(field: (typeof REASSIGNABLE_FIELDS)[number] | '', detail: string) {
  const pointer = field ? `/body/${field}` : '/body';
  return new ProblemError(PROBLEM.validation, `${fieldSentence(pointer, detail)}.`, {
    errors: [{ pointer, detail }],
  });
}

/** What the timeline says about the change: agency names, dates and priorities, then why. */
function timelineNote(
  changes: {
    readonly agency?: { readonly from: string; readonly to: string };
    readonly dueOn?: { readonly from: string; readonly to: string };
    readonly priority?: { readonly from: ActionPriority; readonly to: ActionPriority };
  },
  reason: string,
): string {
  const parts = [
    changes.agency && `Reassigned from ${changes.agency.from} to ${changes.agency.to}`,
    changes.dueOn && `due date moved from ${changes.dueOn.from} to ${changes.dueOn.to}`,
    changes.priority &&
      `priority changed from ${ACTION_PRIORITY_LABELS[changes.priority.from]} to ${ACTION_PRIORITY_LABELS[changes.priority.to]}`,
  ].filter((p): p is string => Boolean(p));
  return `${capitalised(parts.join('; '))}. Reason: ${reason}`;
}

/**
 * Reassigns and/or reschedules an open action in one transaction, with its timeline entry, the
 * new agency's notices and the audit event: a new agency starts at "assigned" (it must
 * acknowledge), and the previous agency's partners no longer see the action. Only fields that
 * really change count; a change of nothing is refused.
 */
export async function reassignAction(
  deps: AppDeps,
  c: Context<AppEnv>,
  id: string,
  body: ActionReassignment,
) {
  const user = currentUser(c);
  const now = deps.clock();
  const today = isoDay(now);
  await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('action as a')
      .innerJoin('agency as g', 'g.id', 'a.agency_id')
      .select([
        'a.status',
        'a.agency_id',
        'g.name as agency_name',
        'a.title',
        'a.priority',
        'a.created_by',
        (eb) => eb.cast<string>('a.due_on', 'text').as('due_on'),
      ])
      .where('a.id', '=', id)
      .where('a.partnership_id', '=', user.partnershipId)
      .forUpdate('a')
      .executeTakeFirst();
    if (!current) throw notFound('action');
    const status = current.status as ActionStatus;
    if (!mayTakeStep('reassign', status)) {
      throw new ProblemError(
        PROBLEM.conflict,
        `An action that is ${status} cannot be reassigned or rescheduled.`,
        { code: 'action-closed', status },
      );
    }

    const agencyChanges = body.agencyId !== undefined && body.agencyId !== current.agency_id;
    const newAgency = agencyChanges
      ? await trx
          .selectFrom('agency')
          .select(['id', 'name'])
          .where('id', '=', body.agencyId!)
          .where('partnership_id', '=', user.partnershipId)
          .executeTakeFirst()
      : undefined;
    if (agencyChanges && !newAgency)
      throw invalidField('agencyId', 'is not an agency of this partnership');
    const dueOn = body.dueOn ?? current.due_on;
    const dueChanges = dueOn !== current.due_on;
    if (dueChanges && dueOn < today) throw invalidField('dueOn', `must be ${today} or later`);
    // The new agency should not inherit an action that is already overdue.
    if (agencyChanges && dueOn < today)
      throw invalidField('dueOn', `is past: give the new agency a due date of ${today} or later`);
    const priority = body.priority ?? current.priority;
    const priorityChanges = priority !== current.priority;
    if (!agencyChanges && !dueChanges && !priorityChanges)
      throw invalidField(
        '',
        'nothing would change: the agency, due date and priority are as they were',
      );

    const at = await nextTimelineTime(trx, id, now);
    await trx
      .updateTable('action')
      .set({
        due_on: dueOn,
        priority,
        updated_at: at,
        ...(newAgency
          ? {
              agency_id: newAgency.id,
              status: 'assigned' as const,
              acknowledged_by: null,
              acknowledged_at: null,
            }
          : {}),
      })
      .where('id', '=', id)
      .execute();
    const updateId = deps.newId();
    await trx
      .insertInto('action_update')
      .values({
        id: updateId,
        partnership_id: user.partnershipId,
        action_id: id,
        author_id: user.id,
        created_at: at,
        from_status: newAgency ? status : null,
        to_status: newAgency ? 'assigned' : null,
        note: timelineNote(
          {
            ...(newAgency ? { agency: { from: current.agency_name, to: newAgency.name } } : {}),
            ...(dueChanges ? { dueOn: { from: current.due_on, to: dueOn } } : {}),
            ...(priorityChanges ? { priority: { from: current.priority, to: priority } } : {}),
          },
          body.reason,
        ),
      })
      .execute();
    // Which hotspots a partner sees, and the overdue counts, change with the action.
    await bumpDataVersion(trx, user.partnershipId);
    if (newAgency) {
      await notifyActionEvent(deps, trx, {
        kind: 'action-assigned',
        partnershipId: user.partnershipId,
        actionId: id,
        actionTitle: current.title,
        agencyId: newAgency.id,
        agencyName: newAgency.name,
        createdById: current.created_by,
        dueOn,
        occurrence: updateId,
      });
    }
    // In the same transaction: the change and its audit event commit together or not at all.
    // Ids, dates and priorities only; the reason is free text and stays on the timeline.
    await audit({ ...deps, db: { ...deps.db, kysely: trx } }, c, {
      category: 'alteration',
      action: 'action.reassign',
      objectType: 'action',
      objectId: id,
      query: {
        fields: [
          ...(newAgency ? ['agencyId'] : []),
          ...(dueChanges ? ['dueOn'] : []),
          ...(priorityChanges ? ['priority'] : []),
        ],
        from: {
          agencyId: current.agency_id,
          dueOn: current.due_on,
          priority: current.priority,
          status,
        },
        to: {
          agencyId: newAgency?.id ?? current.agency_id,
          dueOn,
          priority,
          status: newAgency ? 'assigned' : status,
        },
      },
    });
  });
  return actionDetailFor(deps, user, id);
}
