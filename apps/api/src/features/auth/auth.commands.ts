import type { Database } from '@hotspot/db';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { SessionState } from './auth.queries.ts';
import { acceptTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret } from './mfa.ts';
import { hashPassword } from './passwords.ts';

/** Replaces the user's recovery codes with these, in the caller's transaction. */
export async function replaceRecoveryCodes(
  trx: Kysely<Database>,
  userId: string,
  codes: readonly string[],
): Promise<void> {
  await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
  await trx
    .insertInto('recovery_code')
    .values(
      codes.map((code) => ({ user_id: userId, code_hash: hashRecoveryCode(code), used_at: null })),
    )
    .execute();
}

/**
 * Uses a second-factor code: a 6-digit authenticator code newer than the last one accepted, or
 * an unused recovery code. Says which it was, or undefined when neither holds. The conditional
 * updates make a replay racing in another process lose.
 */
export async function useSecondFactorCode(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  state: SessionState & { mfa_secret: string },
  compact: string,
): Promise<'totp' | 'recovery-code' | undefined> {
  if (/^\d{6}$/.test(compact)) {
    const step = acceptTotp(deps, state, compact);
    if (step === null) return undefined;
    const updated = await deps.db.kysely
      .updateTable('app_user')
      .set({ totp_last_counter: step })
      .where('id', '=', state.id)
      .where((eb) =>
        eb.or([eb('totp_last_counter', 'is', null), eb('totp_last_counter', '<', String(step))]),
      )
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n ? 'totp' : undefined;
  }
  const used = await deps.db.kysely
    .updateTable('recovery_code')
    .set({ used_at: deps.clock() })
    .where('user_id', '=', state.id)
    .where('code_hash', '=', hashRecoveryCode(compact))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return used.numUpdatedRows > 0n ? 'recovery-code' : undefined;
}

/** Starts setting up an authenticator: a new secret and new recovery codes, in one transaction. */
export async function startMfaEnrolment(
  deps: Pick<AppDeps, 'db'>,
  userId: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const secret = newTotpSecret();
  const recoveryCodes = newRecoveryCodes();
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ mfa_secret: secret, mfa_enrolled_at: null, totp_last_counter: null })
      .where('id', '=', userId)
      .execute();
    await replaceRecoveryCodes(trx, userId, recoveryCodes);
  });
  return { secret, recoveryCodes };
}

/** Marks the authenticator set up, with the step of the code that confirmed it. */
export async function confirmMfaEnrolment(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  userId: string,
  step: number,
): Promise<void> {
  await deps.db.kysely
    .updateTable('app_user')
    .set({ mfa_enrolled_at: deps.clock(), totp_last_counter: step })
    .where('id', '=', userId)
    .execute();
}

/** Ends one session (sign-out). */
export async function endSession(deps: Pick<AppDeps, 'db'>, idHash: string): Promise<void> {
  await deps.db.kysely.deleteFrom('session').where('id_hash', '=', idHash).execute();
}

/** Stores a new password for the user. */
export async function setPassword(
  deps: Pick<AppDeps, 'db' | 'clock' | 'passwordHashOptions'>,
  userId: string,
  newPassword: string,
): Promise<void> {
  await deps.db.kysely
    .updateTable('app_user')
    .set({
      password_hash: await hashPassword(newPassword, deps.passwordHashOptions),
      updated_at: deps.clock(),
    })
    .where('id', '=', userId)
    .execute();
}
