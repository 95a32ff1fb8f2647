import type { Role } from '@hotspot/contracts';
import { Secret } from 'otpauth';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { checkPasswordStrength, hashPassword, type PasswordHashOptions } from '../auth/index.ts';

export interface NewUserInput {
  readonly partnershipId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly agencyCode: string;
  /**
   * The initial password: only for the first administrator and the demo (set by the operator
   * running the command-line tool). Without one the user has no password until they redeem an
   * enrolment link (enrolment.ts), and sets up their own second factor there.
   */
  readonly password?: string;
  /** Created disabled, e.g. an analyst whose role waits for a second person's approval. */
  readonly disabled?: boolean;
}

export interface CreatedUser {
  readonly id: string;
  /** Base32 TOTP secret when a password was given and the partnership requires a second factor. */
  readonly totpSecret: string | null;
}

/**
 * Creates a user, with an argon2id password hash when a password is given. Then, when the
 * partnership requires a second factor, a TOTP secret is generated and returned once so it can
 * be given to the user; without a password the user sets up both on enrolment.
 */
export async function createUser(
  deps: Pick<AppDeps, 'db' | 'newId' | 'clock'> & { passwordHashOptions?: PasswordHashOptions },
  input: NewUserInput,
): Promise<CreatedUser> {
  const email = input.email.trim().toLowerCase();
  const strength =
    input.password === undefined
      ? ({ ok: true } as const)
      : checkPasswordStrength(input.password, [email, input.name]);
  if (!strength.ok)
    throw new ProblemError(PROBLEM.validation, strength.reason, {
      errors: [{ pointer: '/body/password', detail: strength.reason }],
    });
  const partnership = await deps.db.kysely
    .selectFrom('partnership')
    .select(['mfa_required'])
    .where('id', '=', input.partnershipId)
    .executeTakeFirst();
  if (!partnership) throw new ProblemError(PROBLEM.notFound, 'Partnership not found.');
  const agency = await deps.db.kysely
    .selectFrom('agency')
    .select(['id'])
    .where('partnership_id', '=', input.partnershipId)
    .where('code', '=', input.agencyCode)
    .executeTakeFirst();
  if (!agency) {
    throw new ProblemError(PROBLEM.validation, `No agency with code ${input.agencyCode}.`, {
      errors: [{ pointer: '/body/agencyCode', detail: 'unknown agency code' }],
    });
  }
  const existing = await deps.db.kysely
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (existing) throw new ProblemError(PROBLEM.conflict, 'A user with this email already exists.');
  const totpSecret =
    partnership.mfa_required && input.password !== undefined
      ? new Secret({ size: 20 }).base32
      : null;
  const id = deps.newId();
  const now = deps.clock();
  await deps.db.kysely
    .insertInto('app_user')
    .values({
      id,
      partnership_id: input.partnershipId,
      email,
      display_name: input.name,
      role: input.role,
      agency_id: agency.id,
      password_hash:
        input.password === undefined
          ? null
          : await hashPassword(input.password, deps.passwordHashOptions),
      disabled: input.disabled ?? false,
      mfa_secret: totpSecret,
      mfa_enrolled_at: totpSecret ? now : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, totpSecret };
}
