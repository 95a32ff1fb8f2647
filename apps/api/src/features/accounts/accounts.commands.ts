import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  acceptTotp,
  checkPasswordStrength,
  endUserSessions,
  hashPassword,
  newRecoveryCodes,
  newTotpSecret,
  qrCodeDataUrl,
  replaceRecoveryCodes,
  totpFor,
} from '../auth/index.ts';
import {
  consumeEnrolment,
  invalidEnrolmentProblem,
  type redeemableEnrolment,
} from './enrolment.ts';
import { pendingGrant } from './role-grants.ts';

/** The user a redeemable enrolment code belongs to (see redeemableEnrolment). */
type EnrolmentUser = Awaited<ReturnType<typeof redeemableEnrolment>>;

async function awaitingApproval(deps: AppDeps, userId: string): Promise<boolean> {
  return (await pendingGrant(deps, userId)) !== undefined;
}

function fieldProblem(pointer: string, detail: string): ProblemError {
  return new ProblemError(PROBLEM.validation, detail, { errors: [{ pointer, detail }] });
}

/**
 * Opens an enrolment link: when the partnership requires a second factor the user has not set
 * up, a new authenticator secret is stored (replacing any earlier one) and handed back.
 */
export async function openEnrolment(deps: AppDeps, user: EnrolmentUser) {
  let secondFactor = null;
  if (user.mfa_required && !user.mfa_enrolled_at) {
    const secret = newTotpSecret();
    await deps.db.kysely
      .updateTable('app_user')
      .set({ mfa_secret: secret, mfa_enrolled_at: null, totp_last_counter: null })
      .where('id', '=', user.user_id)
      .execute();
    const otpauthUri = totpFor(secret, user.email).toString();
    secondFactor = { secret, otpauthUri, qrCode: await qrCodeDataUrl(otpauthUri) };
  }
  return {
    email: user.email,
    name: user.display_name,
    secondFactor,
    awaitingApproval: await awaitingApproval(deps, user.user_id),
  };
}

/**
 * Redeems an enrolment link: checks the password and the authenticator code, then in one
 * transaction uses the code up, sets the password and second factor and replaces the recovery
 * codes. Whoever held a session before (perhaps the reason for the reset) is signed out.
 */
export async function completeEnrolment(
  deps: AppDeps,
  user: EnrolmentUser,
  input: { token: string; password: string; code?: string | undefined },
) {
  const { token, password, code } = input;
  const strength = checkPasswordStrength(password, [user.email, user.display_name]);
  if (!strength.ok) throw fieldProblem('/body/password', strength.reason);
  const settingUpFactor = user.mfa_required && !user.mfa_enrolled_at;
  let step: number | null = null;
  if (settingUpFactor) {
    if (!user.mfa_secret) throw invalidEnrolmentProblem();
    if (!code) {
      throw fieldProblem('/body/code', 'Enter the 6-digit code your authenticator app shows.');
    }
    step = acceptTotp(deps, { ...user, mfa_secret: user.mfa_secret }, code.replace(/\s/g, ''));
    if (step === null) throw fieldProblem('/body/code', 'The code is not correct.');
  }
  const passwordHash = await hashPassword(password, deps.passwordHashOptions);
  const recoveryCodes = settingUpFactor ? newRecoveryCodes() : [];
  const now = deps.clock();
  await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await consumeEnrolment(trx, token, now))) throw invalidEnrolmentProblem();
    await trx
      .updateTable('app_user')
      .set({
        password_hash: passwordHash,
        updated_at: now,
        ...(settingUpFactor ? { mfa_enrolled_at: now, totp_last_counter: step } : {}),
      })
      .where('id', '=', user.user_id)
      .execute();
    if (settingUpFactor) {
      await replaceRecoveryCodes(trx, user.user_id, recoveryCodes);
    }
  });
  await endUserSessions(deps, user.user_id);
  const pending = await awaitingApproval(deps, user.user_id);
  return { settingUpFactor, recoveryCodes, awaitingApproval: pending };
}
