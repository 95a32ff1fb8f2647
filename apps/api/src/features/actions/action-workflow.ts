import type { ActionStatus, ActionStepName } from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import type { Kysely } from 'kysely';
import type { SessionUser } from '../../deps.ts';

/**
 * What may be done to an action, by status. Acknowledging comes first (the chair needs to know
 * the agency has seen it); completing needs an outcome; declining needs a reason and is possible
 * until work has started. The tasking group may reassign or reschedule any open action.
 * Completed and declined are final.
 */
export const ACTION_STEPS = {
  acknowledge: ['assigned'],
  start: ['acknowledged'],
  complete: ['acknowledged', 'in_progress'],
  decline: ['assigned', 'acknowledged'],
  note: ['assigned', 'acknowledged', 'in_progress'],
  reassign: ['assigned', 'acknowledged', 'in_progress'],
} as const satisfies Record<ActionStepName, readonly ActionStatus[]>;

/** What chairs and analysts may do to an open action: they never act for the agency. */
const TASKING_STEPS: readonly ActionStep[] = ['note', 'reassign'];

export type ActionStep = keyof typeof ACTION_STEPS;

export function mayTakeStep(step: ActionStep, status: ActionStatus): boolean {
  return (ACTION_STEPS[step] as readonly ActionStatus[]).includes(status);
}

/**
 * Steps the caller may take now: only the assigned agency's partners change the status; chairs
 * and analysts (who assign actions) add notes and reassign or reschedule.
 */
export function availableSteps(
  user: Pick<SessionUser, 'role' | 'agencyId'>,
  action: { readonly status: ActionStatus; readonly agency: { readonly id: string } },
): ActionStep[] {
  const own = user.role === 'partner' && user.agencyId === action.agency.id;
  const steps = (Object.keys(ACTION_STEPS) as ActionStep[]).filter((s) =>
    mayTakeStep(s, action.status),
  );
  // The agency does not move its own action elsewhere: it declines it, with a reason.
  if (own) return steps.filter((s) => s !== 'reassign');
  return user.role === 'chair' || user.role === 'analyst'
    ? steps.filter((s) => TASKING_STEPS.includes(s))
    : [];
}

/**
 * A timestamp for a new timeline entry that sorts after the previous one even when the clock has
 * not moved (a test clock, or two steps in the same millisecond): the timeline has no sequence
 * column, so order comes from time.
 */
export async function nextTimelineTime(
  db: Kysely<Database>,
  actionId: string,
  now: Date,
): Promise<Date> {
  const last = await db
    .selectFrom('action_update')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('action_id', '=', actionId)
    .executeTakeFirst();
  const lastMs = last?.at ? new Date(last.at).getTime() : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(now.getTime(), lastMs + 1));
}
