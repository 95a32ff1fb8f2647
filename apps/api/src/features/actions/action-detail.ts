import type { Context } from 'hono';
import { isoDay } from '../../dates.ts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import {
  type ActionRow,
  notFound,
  refuseAsNotFound,
  selectActions,
  toActionSummary,
} from '../hotspots/index.ts';
import { availableSteps } from './action-workflow.ts';
import { selectTimeline } from './actions.queries.ts';

/**
 * The action if the caller may see it. A partner asking for another agency's action gets the same
 * 404 as for an id that does not exist (its existence is not disclosed), and the attempt is
 * audited as a refusal.
 */
export async function actionForUser(
  deps: AppDeps,
  c: Context<AppEnv>,
  user: SessionUser,
  id: string,
): Promise<ActionRow> {
  const [row] = await selectActions(
    deps.db,
    { partnershipId: user.partnershipId, actionId: id },
    isoDay(deps.clock()),
  );
  if (!row) throw notFound('action');
  if (user.role === 'partner' && row.agency.id !== user.agencyId)
    return refuseAsNotFound(deps, c, 'action', id);
  return row;
}

/** The full action for a caller already allowed to see it. */
export async function actionDetailFor(deps: AppDeps, user: SessionUser, id: string) {
  const [row] = await selectActions(
    deps.db,
    { partnershipId: user.partnershipId, actionId: id },
    isoDay(deps.clock()),
  );
  if (!row) throw notFound('action');
  return {
    ...toActionSummary(row),
    detail: row.detail,
    outcome: row.outcome,
    declineReason: row.declineReason,
    acknowledgedBy: row.acknowledgedBy,
    createdBy: row.createdBy,
    meetingId: row.meetingId,
    timeline: await selectTimeline(deps.db, id),
    availableSteps: availableSteps(user, row),
  };
}
