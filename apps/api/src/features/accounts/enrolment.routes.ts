import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  EnrolmentCompleteSchema,
  EnrolmentDoneSchema,
  EnrolmentFormSchema,
  EnrolmentStartSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
import {
  acceptTotp,
  checkPasswordStrength,
  endUserSessions,
  hashPassword,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  qrCodeDataUrl,
  totpFor,
} from '../auth/index.ts';
import { consumeEnrolment, invalidEnrolmentProblem, redeemableEnrolment } from './enrolment.ts';
import { pendingGrant } from './role-grants.ts';

const startRoute = createRoute({
  method: 'post',
  path: '/api/enrolment/start',
  summary:
    'Open an enrolment link (public): who it is for, and a new authenticator secret when a second factor is required',
  description:
    'The one-time code travels in the body, never in a URL. An unknown, used or expired code gives 422 at /body/token.',
  request: jsonBody(EnrolmentStartSchema),
  responses: {
    200: {
      description: 'The enrolment form',
      content: { 'application/json': { schema: EnrolmentFormSchema } },
    },
    ...problemResponses(400, 403, 422),
  },
});

const completeRoute = createRoute({
  method: 'post',
  path: '/api/enrolment/complete',
  summary:
    'Redeem an enrolment link (public): set your own password and second factor; the link then stops working',
  request: jsonBody(EnrolmentCompleteSchema),
  responses: {
    200: {
      description: 'Enrolled: sign in with the new password',
      content: { 'application/json': { schema: EnrolmentDoneSchema } },
    },
    ...problemResponses(400, 403, 422),
  },
});

async function awaitingApproval(deps: AppDeps, userId: string): Promise<boolean> {
  return (await pendingGrant(deps, userId)) !== undefined;
}

/** The link's user; an unknown, used or expired code is audited (someone may be guessing). */
async function enrolmentFor(
  deps: AppDeps,
  c: Context<AppEnv>,
  token: string,
  action: 'enrolment.open' | 'enrolment',
) {
  try {
    return await redeemableEnrolment(deps, token);
  } catch (error) {
    await audit(deps, c, {
      partnershipId: null,
      category: 'authentication',
      action,
      outcome: 'invalid-link',
    });
    throw error;
  }
}

function fieldProblem(pointer: string, detail: string): ProblemError {
  return new ProblemError(PROBLEM.validation, detail, { errors: [{ pointer, detail }] });
}

/**
 * Enrolment needs no session: the one-time code is the credential. It never starts a session
 * either; the user signs in afterwards like anyone else, so a disabled account (an analyst
 * awaiting approval) enrols but cannot sign in until approved.
 */
export function enrolmentRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(startRoute, async (c) => {
      const { token } = c.req.valid('json');
      const user = await enrolmentFor(deps, c, token, 'enrolment.open');
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
      await audit(deps, c, {
        partnershipId: user.partnership_id,
        actor: { userId: user.user_id, partnershipId: user.partnership_id },
        category: 'authentication',
        action: 'enrolment.open',
        objectType: 'user',
        objectId: user.user_id,
        query: { secondFactor: secondFactor !== null },
      });
      return c.json(
        {
          email: user.email,
          name: user.display_name,
          secondFactor,
          awaitingApproval: await awaitingApproval(deps, user.user_id),
        },
        200,
      );
    })
    .openapi(completeRoute, async (c) => {
      const { token, password, code } = c.req.valid('json');
      const user = await enrolmentFor(deps, c, token, 'enrolment');
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
          await trx.deleteFrom('recovery_code').where('user_id', '=', user.user_id).execute();
          await trx
            .insertInto('recovery_code')
            .values(
              recoveryCodes.map((rc) => ({
                user_id: user.user_id,
                code_hash: hashRecoveryCode(rc),
                used_at: null,
              })),
            )
            .execute();
        }
      });
      // Whoever held a session before the reset (perhaps the reason for it) is signed out.
      await endUserSessions(deps, user.user_id);
      const pending = await awaitingApproval(deps, user.user_id);
      await audit(deps, c, {
        partnershipId: user.partnership_id,
        actor: { userId: user.user_id, partnershipId: user.partnership_id },
        category: 'authentication',
        action: 'enrolment',
        objectType: 'user',
        objectId: user.user_id,
        query: { secondFactor: settingUpFactor, awaitingApproval: pending },
      });
      return c.json({ email: user.email, recoveryCodes, awaitingApproval: pending }, 200);
    });
}
