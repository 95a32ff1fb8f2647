// Sign-in, the second factor, its enrolment, sign-out and the password change. The handlers keep
// the order of throttle, check, audit and delay (the security protocol, reviewed in one place);
// the reads are in auth.queries.ts and the writes in auth.commands.ts.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
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
  confirmMfaEnrolment,
  endSession,
  setPassword,
  startMfaEnrolment,
  useSecondFactorCode,
} from './auth.commands.ts';
import { findLoginUser, loadMe, sessionState } from './auth.queries.ts';
import { acceptTotp, qrCodeDataUrl, totpFor } from './mfa.ts';
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
      const user = await findLoginUser(deps, normalisedEmail);
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
      const state = await sessionState(deps, c.get('sessionIdHash'));
      if (state.mfa_passed)
        throw new ProblemError(PROBLEM.conflict, 'The second factor was already given.');
      if (!state.mfa_secret || !state.mfa_enrolled_at) {
        throw new ProblemError(PROBLEM.conflict, 'Set up an authenticator app first.');
      }
      const key = secondFactorKey(state.id);
      const attempts = await admitCode(c, key, 'second-factor');
      const method = await useSecondFactorCode(
        deps,
        { ...state, mfa_secret: state.mfa_secret },
        code.replace(/\s/g, ''),
      );
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
      const state = await sessionState(deps, c.get('sessionIdHash'));
      // Replacing an enrolled factor needs an admin reset: otherwise a stolen password alone
      // (a pending session) could swap in the thief's authenticator.
      if (state.mfa_enrolled_at) {
        throw new ProblemError(
          PROBLEM.conflict,
          'An authenticator app is already set up. Ask an administrator to reset it.',
        );
      }
      const { secret, recoveryCodes } = await startMfaEnrolment(deps, state.id);
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
      const state = await sessionState(deps, c.get('sessionIdHash'));
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
      await confirmMfaEnrolment(deps, state.id, step);
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
      if (idHash) await endSession(deps, idHash);
      clearSessionCookie(c, deps);
      await audit(deps, c, { category: 'authentication', action: 'logout' });
      return c.body(null, 204);
    })
    .openapi(meRoute, async (c) => c.json(await loadMe(deps, currentUser(c).id), 200))
    .openapi(passwordRoute, async (c) => {
      const { currentPassword, newPassword } = c.req.valid('json');
      const state = await sessionState(deps, c.get('sessionIdHash'));
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
      await setPassword(deps, state.id, newPassword);
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
