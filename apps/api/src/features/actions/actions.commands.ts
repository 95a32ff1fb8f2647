import type { ActionStatus } from '@hotspot/contracts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { type ActionRow, notFound } from '../hotspots/index.ts';
import { notifyActionEvent } from '../notifications/index.ts';
import { bumpDataVersion } from '../partnership/index.ts';
import { type ActionStep, mayTakeStep, nextTimelineTime } from './action-workflow.ts';

/** What each step does to the row, beyond the status. */
export interface StepChange {
  readonly step: ActionStep;
  readonly to: ActionStatus | null;
  readonly note: string | null;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * Applies one step of the workflow to an action the caller may see (`seen`), in one transaction:
 * the status check under a row lock (409 when the step does not apply), the change, the timeline
 * entry, the data version and the notifications. Returns the status it had before.
 */
export function applyActionStep(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  change: StepChange,
  seen: ActionRow,
): Promise<ActionStatus> {
  const now = deps.clock();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('action')
      .select('status')
      .where('id', '=', id)
      .where('partnership_id', '=', user.partnershipId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound('action');
    const status = current.status as ActionStatus;
    if (!mayTakeStep(change.step, status)) {
      throw new ProblemError(
        PROBLEM.conflict,
        `This cannot be done to an action that is ${status.replace('_', ' ')}.`,
        {
          code: 'invalid-transition',
          status,
        },
      );
    }
    const at = await nextTimelineTime(trx, id, now);
    await trx
      .updateTable('action')
      .set({
        ...(change.to ? { status: change.to } : {}),
        ...(change.fields ?? {}),
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
    await trx
      .insertInto('action_update')
      .values({
        id: deps.newId(),
        partnership_id: user.partnershipId,
        action_id: id,
        author_id: user.id,
        created_at: at,
        from_status: change.to ? status : null,
        to_status: change.to,
        note: change.note,
      })
      .execute();
    if (change.to) await bumpDataVersion(trx, user.partnershipId);
    if (change.to === 'declined' || change.to === 'completed') {
      await notifyActionEvent(deps, trx, {
        kind: change.to === 'declined' ? 'action-declined' : 'action-completed',
        partnershipId: user.partnershipId,
        actionId: id,
        actionTitle: seen.title,
        agencyId: seen.agency.id,
        agencyName: seen.agency.name,
        createdById: seen.createdById,
        dueOn: seen.dueOn,
      });
    }
    return status;
  });
}
