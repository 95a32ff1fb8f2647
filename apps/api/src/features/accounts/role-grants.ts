import type { Role } from '@hotspot/contracts';
import type { RoleGrantTable } from '@hotspot/db';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { endUserSessions } from '../auth/index.ts';

/**
 * Separation of duties: the analyst role is the only one that reads record-level data, so
 * granting it (creating an analyst, changing a role to analyst, re-enabling an analyst, or
 * resetting an analyst's credentials) waits for a second person. Until then the account keeps
 * its old role, or stays disabled: no session of it reads a record.
 */
export const ROLE_NEEDING_APPROVAL: Role = 'analyst';

export type GrantReason = RoleGrantTable['reason'];

type Deps = Pick<AppDeps, 'db' | 'clock' | 'newId'>;

/** Records a pending request; 409 when the user already has one waiting. */
export async function requestAnalystGrant(
  deps: Deps,
  input: {
    partnershipId: string;
    userId: string;
    reason: GrantReason;
    enable: boolean;
    requestedBy: string | null;
  },
): Promise<string> {
  await refuseIfPending(deps, input.userId);
  const id = deps.newId();
  await deps.db.kysely
    .insertInto('role_grant')
    .values({
      id,
      partnership_id: input.partnershipId,
      user_id: input.userId,
      role: 'analyst',
      reason: input.reason,
      enable: input.enable,
      requested_by: input.requestedBy,
      requested_at: deps.clock(),
    })
    .execute();
  return id;
}

/** The user's request waiting for a decision, if any (at most one: a unique index). */
export function pendingGrant(deps: Pick<AppDeps, 'db'>, userId: string) {
  return deps.db.kysely
    .selectFrom('role_grant')
    .select('id')
    .where('user_id', '=', userId)
    .where('outcome', '=', 'pending')
    .executeTakeFirst();
}

/** A user with a request waiting cannot be changed underneath it: decide the request first. */
export async function refuseIfPending(deps: Pick<AppDeps, 'db'>, userId: string): Promise<void> {
  const pending = await pendingGrant(deps, userId);
  if (pending) {
    throw new ProblemError(
      PROBLEM.conflict,
      'This user has a request for the analyst role waiting for approval: approve or refuse it first.',
      { approvalId: pending.id },
    );
  }
}

/**
 * Who may decide requests in a partnership: its admins; chairs as well only when the
 * partnership has a single enabled admin (who cannot approve their own requests).
 */
async function enabledAdminCount(deps: Pick<AppDeps, 'db'>, partnershipId: string) {
  const row = await deps.db.kysely
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('partnership_id', '=', partnershipId)
    .where('role', '=', 'admin')
    .where('disabled', '=', false)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function mayDecideAsRole(
  deps: Pick<AppDeps, 'db'>,
  user: Pick<SessionUser, 'role' | 'partnershipId'>,
): Promise<boolean> {
  if (user.role === 'admin') return true;
  if (user.role === 'chair') return (await enabledAdminCount(deps, user.partnershipId)) === 1;
  return false;
}

/** Why this person may not decide this request, or null when they may. */
export function decisionRefusal(
  decider: Pick<SessionUser, 'id'>,
  grant: { user_id: string; requested_by: string | null },
  decision: 'approved' | 'refused',
): string | null {
  if (grant.user_id === decider.id) return 'You cannot decide a request about your own account.';
  // Refusing your own request is withdrawing it; approving it would defeat the second pair of eyes.
  if (decision === 'approved' && grant.requested_by === decider.id)
    return 'You made this request: another administrator (or, with a single administrator, a chair) must approve it.';
  return null;
}

export function listPendingGrants(deps: Pick<AppDeps, 'db'>, partnershipId: string) {
  return deps.db.kysely
    .selectFrom('role_grant')
    .innerJoin('app_user as subject', 'subject.id', 'role_grant.user_id')
    .innerJoin('agency', 'agency.id', 'subject.agency_id')
    .leftJoin('app_user as requester', 'requester.id', 'role_grant.requested_by')
    .select([
      'role_grant.id',
      'role_grant.user_id',
      'role_grant.role',
      'role_grant.reason',
      'role_grant.requested_by',
      'role_grant.requested_at',
      'subject.email',
      'subject.display_name',
      'subject.role as current_role',
      'subject.disabled',
      'agency.code as agency_code',
      'agency.name as agency_name',
      'requester.display_name as requester_name',
    ])
    .where('role_grant.partnership_id', '=', partnershipId)
    .where('role_grant.outcome', '=', 'pending')
    .orderBy('role_grant.requested_at')
    .orderBy('role_grant.id')
    .execute();
}

/**
 * Approves or refuses a pending request. Approval gives the role (and enables the account when
 * the request said so) and ends the user's sessions, so their next one has the new role. The
 * conditional update makes a second decision racing this one find nothing.
 */
export async function decideGrant(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  decider: Pick<SessionUser, 'id' | 'partnershipId'>,
  grantId: string,
  decision: 'approved' | 'refused',
): Promise<{ userId: string; reason: GrantReason }> {
  const grant = await deps.db.kysely
    .selectFrom('role_grant')
    .selectAll()
    .where('id', '=', grantId)
    .where('partnership_id', '=', decider.partnershipId)
    .executeTakeFirst();
  if (!grant) throw new ProblemError(PROBLEM.notFound, 'No such request in this partnership.');
  if (grant.outcome !== 'pending')
    throw new ProblemError(PROBLEM.conflict, `This request was already ${grant.outcome}.`);
  const refusal = decisionRefusal(decider, grant, decision);
  if (refusal) throw new ProblemError(PROBLEM.forbidden, refusal);
  const now = deps.clock();
  await deps.db.kysely.transaction().execute(async (trx) => {
    const decided = await trx
      .updateTable('role_grant')
      .set({ outcome: decision, decided_by: decider.id, decided_at: now })
      .where('id', '=', grantId)
      .where('outcome', '=', 'pending')
      .executeTakeFirst();
    if (decided.numUpdatedRows === 0n)
      throw new ProblemError(PROBLEM.conflict, 'This request was decided meanwhile.');
    if (decision === 'approved') {
      await trx
        .updateTable('app_user')
        .set({ role: grant.role, ...(grant.enable ? { disabled: false } : {}), updated_at: now })
        .where('id', '=', grant.user_id)
        .execute();
    }
  });
  if (decision === 'approved') await endUserSessions(deps, grant.user_id);
  return { userId: grant.user_id, reason: grant.reason };
}
