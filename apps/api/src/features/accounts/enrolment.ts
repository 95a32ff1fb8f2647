import { randomBytes } from 'node:crypto';
import type { Database } from '@hotspot/db';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { sha256Hex } from '../auth/index.ts';
import type { Mailer } from '../notifications/index.ts';
import { createUser, type NewUserInput } from './create-user.ts';
import { requestAnalystGrant } from './role-grants.ts';

/** How long an enrolment link lives: a working weekend between handing it over and using it. */
export const ENROLMENT_HOURS = 72;

export interface Enrolment {
  /** The one-time code, shown once and never stored (only its sha256 is). */
  readonly code: string;
  /** The web page that redeems it; the code rides in the fragment, so no server log sees it. */
  readonly link: string;
  readonly expiresAt: Date;
}

type Deps = Pick<AppDeps, 'db' | 'clock' | 'env'>;

/** 256 random bits: guessing is hopeless, so an unsalted sha256 is a safe store. */
export function enrolmentTokenHash(code: string): string {
  return sha256Hex(`enrolment:${code.trim()}`);
}

export function enrolmentLink(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, '')}/enrol#${code}`;
}

/**
 * Issues a new enrolment code for a user, replacing any earlier unused one (a reset makes the
 * old link useless too). `issuedBy` is the administrator (null: the command-line tool).
 */
export async function issueEnrolment(
  deps: Deps,
  input: { userId: string; issuedBy: string | null; origin: string },
): Promise<Enrolment> {
  const code = randomBytes(32).toString('base64url');
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + ENROLMENT_HOURS * 3_600_000);
  const kysely = deps.db.kysely;
  await kysely
    .deleteFrom('enrolment_token')
    .where('user_id', '=', input.userId)
    .where('used_at', 'is', null)
    .execute();
  await kysely
    .insertInto('enrolment_token')
    .values({
      token_hash: enrolmentTokenHash(code),
      user_id: input.userId,
      created_by: input.issuedBy,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { code, link: enrolmentLink(input.origin, code), expiresAt };
}

/** The user an unused, unexpired code belongs to; the same 422 for unknown, used and expired. */
export async function redeemableEnrolment(deps: Pick<AppDeps, 'db' | 'clock'>, code: string) {
  const row = await deps.db.kysely
    .selectFrom('enrolment_token')
    .innerJoin('app_user', 'app_user.id', 'enrolment_token.user_id')
    .innerJoin('partnership', 'partnership.id', 'app_user.partnership_id')
    .select([
      'enrolment_token.token_hash',
      'app_user.id as user_id',
      'app_user.email',
      'app_user.display_name',
      'app_user.partnership_id',
      'app_user.mfa_secret',
      'app_user.mfa_enrolled_at',
      'app_user.totp_last_counter',
      'partnership.mfa_required',
    ])
    .where('enrolment_token.token_hash', '=', enrolmentTokenHash(code))
    .where('enrolment_token.used_at', 'is', null)
    .where('enrolment_token.expires_at', '>', deps.clock())
    .executeTakeFirst();
  if (!row) throw invalidEnrolmentProblem();
  return row;
}

export function invalidEnrolmentProblem(): ProblemError {
  const detail =
    'This enrolment link is not valid: it was used already, has expired or was replaced by a newer one. Ask an administrator for a new link.';
  return new ProblemError(PROBLEM.validation, detail, {
    errors: [{ pointer: '/body/token', detail }],
  });
}

/**
 * Marks a code used, in the caller's transaction. The conditional update is the single-use
 * guarantee: of two redemptions racing, one updates the row and the other finds nothing.
 */
export async function consumeEnrolment(
  trx: Kysely<Database>,
  code: string,
  now: Date,
): Promise<boolean> {
  const used = await trx
    .updateTable('enrolment_token')
    .set({ used_at: now })
    .where('token_hash', '=', enrolmentTokenHash(code))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return used.numUpdatedRows > 0n;
}

export interface Invitation {
  readonly id: string;
  readonly enrolment: Enrolment;
  /** The pending request for the analyst role, when that is the role asked for. */
  readonly grantId: string | null;
}

/**
 * Creates a user without a password and issues their enrolment link. An analyst is created
 * disabled with a pending request for the role: record-level data needs a second person's yes.
 */
export async function inviteUser(
  deps: Deps & Pick<AppDeps, 'newId'>,
  input: Omit<NewUserInput, 'password' | 'disabled'>,
  options: { requestedBy: string | null; origin: string },
): Promise<Invitation> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const txDeps = { ...deps, db: { ...deps.db, kysely: trx } };
    const analyst = input.role === 'analyst';
    const created = await createUser(txDeps, { ...input, disabled: analyst });
    const grantId = analyst
      ? await requestAnalystGrant(txDeps, {
          partnershipId: input.partnershipId,
          userId: created.id,
          reason: 'create',
          enable: true,
          requestedBy: options.requestedBy,
        })
      : null;
    const enrolment = await issueEnrolment(txDeps, {
      userId: created.id,
      issuedBy: options.requestedBy,
      origin: options.origin,
    });
    return { id: created.id, enrolment, grantId };
  });
}

/**
 * Emails the link to the user when a mailer is configured. The message names no one and
 * holds nothing but the link; a failure is logged, not fatal (the admin still has the link).
 */
export async function emailEnrolment(
  deps: Pick<AppDeps, 'logger'> & { readonly mailer?: Mailer | undefined },
  to: string,
  enrolment: Enrolment,
): Promise<boolean> {
  if (!deps.mailer) return false;
  try {
    await deps.mailer.send({
      to,
      subject: 'Set up your account on the partnership hotspot map',
      text: [
        'An administrator has created or reset your account on the partnership hotspot map.',
        '',
        'Open this link to choose your password (and set up your authenticator app if asked):',
        enrolment.link,
        '',
        `The link works once and expires at ${enrolment.expiresAt.toISOString()}.`,
        'If you did not expect this message, tell your partnership administrator.',
      ].join('\n'),
    });
    return true;
  } catch (error) {
    deps.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'enrolment email not sent',
    );
    return false;
  }
}
