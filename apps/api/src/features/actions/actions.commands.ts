import type { z } from '@hono/zod-openapi';
import type { ActionStatus } from '@hotspot/contracts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import type {
  NewSuggestedActionSchema,
  SuggestedActionChangeSchema,
} from '../../http/request-schemas.ts';
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

const noSuchSuggestion = () => new ProblemError(PROBLEM.notFound, 'No such suggested action.');

/** Adds a suggested action to the partnership's list; returns its id. */
export async function createSuggestion(
  deps: Pick<AppDeps, 'db' | 'clock' | 'newId'>,
  partnershipId: string,
  body: z.infer<typeof NewSuggestedActionSchema>,
): Promise<string> {
  const id = deps.newId();
  const now = deps.clock();
  await deps.db.kysely
    .insertInto('suggested_action')
    .values({
      id,
      partnership_id: partnershipId,
      place_type: body.placeType,
      priority: body.priority,
      title: body.title,
      detail: body.detail ?? null,
      agency_kind: body.agencyKind ?? null,
      position: body.position ?? 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Changes the fields given of one of the partnership's suggested actions (404 otherwise). */
export async function changeSuggestion(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  partnershipId: string,
  id: string,
  body: z.infer<typeof SuggestedActionChangeSchema>,
): Promise<void> {
  const updated = await deps.db.kysely
    .updateTable('suggested_action')
    .set({
      ...(body.placeType !== undefined ? { place_type: body.placeType } : {}),
      ...(body.priority !== undefined ? { priority: body.priority } : {}),
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.detail !== undefined ? { detail: body.detail } : {}),
      ...(body.agencyKind !== undefined ? { agency_kind: body.agencyKind } : {}),
      ...(body.position !== undefined ? { position: body.position } : {}),
      updated_at: deps.clock(),
    })
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw noSuchSuggestion();
}

/** Removes one of the partnership's suggested actions (404 otherwise). */
export async function deleteSuggestion(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  id: string,
): Promise<void> {
  const deleted = await deps.db.kysely
    .deleteFrom('suggested_action')
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw noSuchSuggestion();
}
