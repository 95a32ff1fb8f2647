// Over 400 lines because sign-in, the second factor, its enrolment and sign-out share the throttle,
// lock and session-state helpers above the routes, and are reviewed together for security.
import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import {
  LoginRequestSchema,
  LoginResultSchema,
  MeSchema,
  MfaEnrolmentSchema,
  PasswordChangeSchema,
  SecondFactorCodeSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit, requestAddress } from '../audit/index.ts';
import {
  acceptTotp,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  qrCodeDataUrl,
  totpFor,
} from './mfa.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.ts';
import { clearSessionCookie, endUserSessions, rotateSession, startSession } from './sessions.ts';
import {
  admitAttempt,
  failureDelayMs,
  passwordSteps,
  passwordSuccess,
  realSleep,
  SECOND_FACTOR_RULE,
  secondFactorKey,
  settleSuccess,
} from './throttle.ts';

const loginRoute = createRoute({
  method: 'post',
  path: '/api/auth/login',
  summary: 'Sign in with email and password; sets a new session cookie',
  description:
    'Unknown email, wrong password and disabled account give the same 401. After repeated failures the account or address is locked for a while (429).',
  request: jsonBody(LoginRequestSchema),
  responses: {
    200: {
      description: 'Password accepted',
      content: { 'application/json': { schema: LoginResultSchema } },
    },
    ...problemResponses(400, 401, 403, 422, 429),
  },
});

const mfaRoute = createRoute({
  method: 'post',
  path: '/api/auth/mfa',
  summary: 'Give the second factor: a 6-digit TOTP code or a recovery code',
  request: jsonBody(SecondFactorCodeSchema),
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: MeSchema } } },
    ...problemResponses(400, 401, 403, 409, 422, 429),
  },
});

const enrolRoute = createRoute({
  method: 'post',
  path: '/api/auth/mfa/enrol',
  summary: 'Start setting up an authenticator app (new secret, QR code, recovery codes)',
  responses: {
    200: {
      description: 'Scan the QR code, then confirm with a code',
      content: { 'application/json': { schema: MfaEnrolmentSchema } },
    },
    ...problemResponses(401, 403, 409),
  },
});

const enrolConfirmRoute = createRoute({
  method: 'post',
  path: '/api/auth/mfa/enrol/confirm',
  summary: 'Finish setting up the authenticator app with a code it shows',
  request: jsonBody(SecondFactorCodeSchema),
  responses: {
    200: {
      description: 'Enrolled and signed in',
      content: { 'application/json': { schema: MeSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 422, 429),
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/auth/logout',
  summary: 'Sign out: ends this session',
  responses: { 204: { description: 'Signed out' }, ...problemResponses(401, 403) },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  summary: 'The signed-in user, their agency and partnership',
  responses: {
    200: {
      description: 'The signed-in user',
      content: { 'application/json': { schema: MeSchema } },
    },
    ...problemResponses(401),
  },
});

const passwordRoute = createRoute({
  method: 'post',
  path: '/api/auth/password',
  summary: 'Change your own password; your other sessions end',
  request: jsonBody(PasswordChangeSchema),
  responses: {
    204: { description: 'Password changed' },
    ...problemResponses(400, 401, 403, 422, 429),
  },
});

const INVALID_CREDENTIALS = 'The email or password is not correct.';

function lockedProblem(until: Date, now: Date): ProblemError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new ProblemError(
    PROBLEM.tooManyRequests,
    'Too many failed attempts. Try again later.',
    {},
    { 'retry-after': String(seconds) },
  );
}

function codeProblem(): ProblemError {
  return new ProblemError(PROBLEM.validation, 'The code is not correct.', {
    errors: [{ pointer: '/body/code', detail: 'The code is not correct.' }],
  });
}

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

async function sessionState(deps: AppDeps, c: Context<AppEnv>) {
  const idHash = c.get('sessionIdHash');
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

export function authRoutes(deps: AppDeps) {
  // Unknown emails are checked against this hash so they cost the same time as a wrong
  // password. Made once per app instance, with the same cost parameters as real hashes.
  let dummyHash: Promise<string> | undefined;
  const dummyPasswordHash = () => {
    dummyHash ??= hashPassword('not-a-real-password-for-timing', deps.passwordHashOptions);
    return dummyHash;
  };

  const checkPassword = deps.verifyPassword ?? verifyPassword;
  const sleep = deps.sleep ?? realSleep;

  /**
   * Counts a second-factor code for `key` before it is checked (refusing it with 429, audited,
   * over the limit) and returns its number in the window.
   */
  const admitCode = async (c: Context<AppEnv>, key: string, action: string) => {
    const admission = await admitAttempt(deps, [{ key, rule: SECOND_FACTOR_RULE }]);
    if (admission.admitted) return admission.attempts[0] ?? 0;
    await audit(deps, c, { category: 'authentication', action, outcome: 'locked' });
    throw lockedProblem(admission.until, deps.clock());
  };

  return new OpenAPIHono<AppEnv>()
    .openapi(loginRoute, async (c) => {
      const { email, password } = c.req.valid('json');
      const normalisedEmail = email.trim().toLowerCase();
      const address = requestAddress(c);
      const user = await deps.db.kysely
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
      // The attempted email is recorded only as the id of an existing user: never free text.
      const attempted = {
        partnershipId: user?.partnership_id ?? null,
        actor: user
          ? {
              userId: user.id,
              role: user.role,
              agencyCode: user.agency_code,
              partnershipId: user.partnership_id,
            }
          : {},
      };

      // Counted before the password is checked: of any number of parallel attempts, only as many
      // as the limits allow are ever evaluated.
      const admission = await admitAttempt(deps, passwordSteps(normalisedEmail, address));
      if (!admission.admitted) {
        await audit(deps, c, {
          ...attempted,
          category: 'authentication',
          action: 'login',
          outcome: 'locked',
        });
        throw lockedProblem(admission.until, deps.clock());
      }

      const passwordOk = await checkPassword(
        user?.password_hash ?? (await dummyPasswordHash()),
        password,
      );
      if (!user || !passwordOk || user.disabled) {
        await audit(deps, c, {
          ...attempted,
          category: 'authentication',
          action: 'login',
          outcome: user?.disabled && passwordOk ? 'failed-disabled' : 'failed',
        });
        // The pair's count: the client making the guesses is the one held up.
        await sleep(failureDelayMs(admission.attempts[1] ?? 0));
        throw new ProblemError(PROBLEM.unauthenticated, INVALID_CREDENTIALS);
      }

      await settleSuccess(deps, passwordSuccess(normalisedEmail, address));
      const enrolled = user.mfa_enrolled_at !== null;
      // A user who enrolled keeps using the factor even where the partnership relaxes it.
      const mfaRequired = user.mfa_required || enrolled;
      await startSession(deps, c, {
        userId: user.id,
        partnershipId: user.partnership_id,
        mfaPassed: !mfaRequired,
        address,
      });
      await audit(deps, c, {
        ...attempted,
        category: 'authentication',
        action: 'login',
        outcome: mfaRequired ? 'second-factor-pending' : 'ok',
      });
      return c.json({ mfaRequired, enrolmentRequired: mfaRequired && !enrolled }, 200);
    })
    .openapi(mfaRoute, async (c) => {
      const { code } = c.req.valid('json');
      const state = await sessionState(deps, c);
      if (state.mfa_passed)
        throw new ProblemError(PROBLEM.conflict, 'The second factor was already given.');
      if (!state.mfa_secret || !state.mfa_enrolled_at) {
        throw new ProblemError(PROBLEM.conflict, 'Set up an authenticator app first.');
      }
      const key = secondFactorKey(state.id);
      const attempts = await admitCode(c, key, 'second-factor');
      const compact = code.replace(/\s/g, '');
      let method: 'totp' | 'recovery-code' | undefined;
      if (/^\d{6}$/.test(compact)) {
        const step = acceptTotp(deps, { ...state, mfa_secret: state.mfa_secret }, compact);
        if (step !== null) {
          // The conditional update makes a replay racing in another process lose.
          const updated = await deps.db.kysely
            .updateTable('app_user')
            .set({ totp_last_counter: step })
            .where('id', '=', state.id)
            .where((eb) =>
              eb.or([
                eb('totp_last_counter', 'is', null),
                eb('totp_last_counter', '<', String(step)),
              ]),
            )
            .executeTakeFirst();
          if (updated.numUpdatedRows > 0n) method = 'totp';
        }
      } else {
        const used = await deps.db.kysely
          .updateTable('recovery_code')
          .set({ used_at: deps.clock() })
          .where('user_id', '=', state.id)
          .where('code_hash', '=', hashRecoveryCode(compact))
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (used.numUpdatedRows > 0n) method = 'recovery-code';
      }
      if (!method) {
        await audit(deps, c, {
          category: 'authentication',
          action: 'second-factor',
          outcome: 'failed',
        });
        await sleep(failureDelayMs(attempts));
        throw codeProblem();
      }
      await settleSuccess(deps, { clear: [key] });
      const newHash = await rotateSession(deps, c, state.idHash, { mfaPassed: true });
      c.set('sessionIdHash', newHash);
      await audit(deps, c, {
        category: 'authentication',
        action: 'second-factor',
        outcome: 'ok',
        query: { method },
      });
      return c.json(await loadMe(deps, state.id), 200);
    })
    .openapi(enrolRoute, async (c) => {
      const state = await sessionState(deps, c);
      // Replacing an enrolled factor needs an admin reset: otherwise a stolen password alone
      // (a pending session) could swap in the thief's authenticator.
      if (state.mfa_enrolled_at) {
        throw new ProblemError(
          PROBLEM.conflict,
          'An authenticator app is already set up. Ask an administrator to reset it.',
        );
      }
      const secret = newTotpSecret();
      const recoveryCodes = newRecoveryCodes();
      await deps.db.kysely.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({ mfa_secret: secret, mfa_enrolled_at: null, totp_last_counter: null })
          .where('id', '=', state.id)
          .execute();
        await trx.deleteFrom('recovery_code').where('user_id', '=', state.id).execute();
        await trx
          .insertInto('recovery_code')
          .values(
            recoveryCodes.map((code) => ({
              user_id: state.id,
              code_hash: hashRecoveryCode(code),
              used_at: null,
            })),
          )
          .execute();
      });
      const otpauthUri = totpFor(secret, state.email).toString();
      await audit(deps, c, {
        category: 'authentication',
        action: 'second-factor.enrol',
        outcome: 'started',
      });
      return c.json(
        { secret, otpauthUri, qrCode: await qrCodeDataUrl(otpauthUri), recoveryCodes },
        200,
      );
    })
    .openapi(enrolConfirmRoute, async (c) => {
      const { code } = c.req.valid('json');
      const state = await sessionState(deps, c);
      if (state.mfa_enrolled_at) throw new ProblemError(PROBLEM.conflict, 'Already set up.');
      if (!state.mfa_secret) throw new ProblemError(PROBLEM.conflict, 'Start the set-up first.');
      const key = secondFactorKey(state.id);
      const attempts = await admitCode(c, key, 'second-factor.enrol');
      const step = acceptTotp(
        deps,
        { ...state, mfa_secret: state.mfa_secret },
        code.replace(/\s/g, ''),
      );
      if (step === null) {
        await audit(deps, c, {
          category: 'authentication',
          action: 'second-factor.enrol',
          outcome: 'failed',
        });
        await sleep(failureDelayMs(attempts));
        throw codeProblem();
      }
      await settleSuccess(deps, { clear: [key] });
      await deps.db.kysely
        .updateTable('app_user')
        .set({ mfa_enrolled_at: deps.clock(), totp_last_counter: step })
        .where('id', '=', state.id)
        .execute();
      const newHash = await rotateSession(deps, c, state.idHash, { mfaPassed: true });
      c.set('sessionIdHash', newHash);
      await audit(deps, c, {
        category: 'authentication',
        action: 'second-factor.enrol',
        outcome: 'ok',
      });
      return c.json(await loadMe(deps, state.id), 200);
    })
    .openapi(logoutRoute, async (c) => {
      const idHash = c.get('sessionIdHash');
      if (idHash)
        await deps.db.kysely.deleteFrom('session').where('id_hash', '=', idHash).execute();
      clearSessionCookie(c, deps);
      await audit(deps, c, { category: 'authentication', action: 'logout' });
      return c.body(null, 204);
    })
    .openapi(meRoute, async (c) => c.json(await loadMe(deps, currentUser(c).id), 200))
    .openapi(passwordRoute, async (c) => {
      const { currentPassword, newPassword } = c.req.valid('json');
      const state = await sessionState(deps, c);
      const address = requestAddress(c);
      const admission = await admitAttempt(deps, passwordSteps(state.email, address));
      if (!admission.admitted) {
        await audit(deps, c, {
          category: 'authentication',
          action: 'password.change',
          outcome: 'locked',
        });
        throw lockedProblem(admission.until, deps.clock());
      }
      if (!(await checkPassword(state.password_hash ?? '', currentPassword))) {
        await audit(deps, c, {
          category: 'authentication',
          action: 'password.change',
          outcome: 'failed',
        });
        await sleep(failureDelayMs(admission.attempts[1] ?? 0));
        throw new ProblemError(PROBLEM.validation, 'The current password is not correct.', {
          errors: [
            { pointer: '/body/currentPassword', detail: 'The current password is not correct.' },
          ],
        });
      }
      await settleSuccess(deps, passwordSuccess(state.email, address));
      const strength = checkPasswordStrength(newPassword, [state.email, state.display_name]);
      if (!strength.ok) {
        throw new ProblemError(PROBLEM.validation, strength.reason, {
          errors: [{ pointer: '/body/newPassword', detail: strength.reason }],
        });
      }
      await deps.db.kysely
        .updateTable('app_user')
        .set({
          password_hash: await hashPassword(newPassword, deps.passwordHashOptions),
          updated_at: deps.clock(),
        })
        .where('id', '=', state.id)
        .execute();
      // Whoever else held a session (perhaps the reason for the change) is signed out.
      await endUserSessions(deps, state.id, { keepIdHash: state.idHash });
      const newHash = await rotateSession(deps, c, state.idHash);
      c.set('sessionIdHash', newHash);
      await audit(deps, c, {
        category: 'authentication',
        action: 'password.change',
        outcome: 'ok',
      });
      return c.body(null, 204);
    });
}
