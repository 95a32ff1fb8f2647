import type { z } from '@hono/zod-openapi';
import type { MeSchema } from '@hotspot/contracts';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

/** The user, agency and partnership for GET /api/auth/me. */
export async function loadMe(
  deps: Pick<AppDeps, 'db'>,
  userId: string,
): Promise<z.infer<typeof MeSchema>> {
  const row = await deps.db.kysely
    .selectFrom('app_user')
    .innerJoin('agency', 'agency.id', 'app_user.agency_id')
    .innerJoin('partnership', 'partnership.id', 'app_user.partnership_id')
    .select([
      'app_user.id',
      'app_user.email',
      'app_user.display_name',
      'app_user.role',
      'app_user.mfa_enrolled_at',
      'agency.id as agency_id',
      'agency.code as agency_code',
      'agency.name as agency_name',
      'partnership.id as partnership_id',
      'partnership.name as partnership_name',
      'partnership.synthetic',
      'partnership.mfa_required',
    ])
    .where('app_user.id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new ProblemError(PROBLEM.unauthenticated);
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    role: row.role,
    agency: { id: row.agency_id, code: row.agency_code, name: row.agency_name },
    mfaEnrolled: row.mfa_enrolled_at !== null,
    partnership: {
      id: row.partnership_id,
      name: row.partnership_name,
      synthetic: row.synthetic,
      mfaRequired: row.mfa_required,
    },
  };
}

/** The session's user, with what the second factor and password change check (401 if none). */
export async function sessionState(deps: Pick<AppDeps, 'db'>, idHash: string | undefined) {
  if (!idHash) throw new ProblemError(PROBLEM.unauthenticated);
  const row = await deps.db.kysely
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .select([
      'session.mfa_passed',
      'app_user.id',
      'app_user.email',
      'app_user.display_name',
      'app_user.password_hash',
      'app_user.mfa_secret',
      'app_user.mfa_enrolled_at',
      'app_user.totp_last_counter',
    ])
    .where('session.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) throw new ProblemError(PROBLEM.unauthenticated);
  return { idHash, ...row };
}

export type SessionState = Awaited<ReturnType<typeof sessionState>>;

/** The user signing in with this (normalised) email, if there is one. */
export function findLoginUser(deps: Pick<AppDeps, 'db'>, normalisedEmail: string) {
  return deps.db.kysely
    .selectFrom('app_user')
    .innerJoin('agency', 'agency.id', 'app_user.agency_id')
    .innerJoin('partnership', 'partnership.id', 'app_user.partnership_id')
    .select([
      'app_user.id',
      'app_user.partnership_id',
      'app_user.role',
      'app_user.password_hash',
      'app_user.disabled',
      'app_user.mfa_enrolled_at',
      'agency.code as agency_code',
      'partnership.mfa_required',
    ])
    .where('app_user.email', '=', normalisedEmail)
    .executeTakeFirst();
}
