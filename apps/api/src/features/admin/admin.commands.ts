import type { z } from '@hono/zod-openapi';
import type {
  AgencyChangeSchema,
  NewAgencySchema,
  NewTaxonomyItemSchema,
  PoliceUkMappingSchema,
  TaxonomyChangeSchema,
  UserChangeSchema,
} from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  type Enrolment,
  type GrantReason,
  issueEnrolment,
  refuseIfPending,
  requestAnalystGrant,
} from '../accounts/index.ts';
import { endUserSessions } from '../auth/index.ts';
import { bumpDataVersion } from '../partnership/index.ts';
import {
  AGENCY_COLUMNS,
  agencyIdFor,
  oneUser,
  TAXONOMY_COLUMNS,
  type Taxonomy,
  toAgency,
} from './admin.queries.ts';
import { withConstraintProblems } from './database-errors.ts';

// The administration screens' writes; a duplicate code or a missing reference is a problem
// naming the field (database-errors.ts).

/** The partnership settings an admin may change; each one optional. */
export interface PartnershipSettingsChange {
  readonly suppressionK?: number | undefined;
  readonly retentionMonths?: number | undefined;
  readonly mfaRequired?: boolean | undefined;
  readonly publishedHexSizes?: readonly number[] | undefined;
}

/**
 * Changes the partnership settings in one transaction. New lattices: the update's trigger
 * rebuilds the published table in the same transaction, and the data version moves so no cached
 * layer outlives the old sizes.
 */
export async function changePartnershipSettings(
  db: Db,
  partnershipId: string,
  input: PartnershipSettingsChange,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('partnership')
      .set({
        ...(input.suppressionK !== undefined ? { suppression_k: input.suppressionK } : {}),
        ...(input.retentionMonths !== undefined ? { retention_months: input.retentionMonths } : {}),
        ...(input.mfaRequired !== undefined ? { mfa_required: input.mfaRequired } : {}),
        ...(input.publishedHexSizes !== undefined
          ? { published_hex_sizes: [...input.publishedHexSizes].sort((a, b) => a - b) }
          : {}),
      })
      .where('id', '=', partnershipId)
      .execute();
    if (input.publishedHexSizes !== undefined) await bumpDataVersion(trx, partnershipId);
  });
}

/** Adds an agency to the partnership (409 for a code it already has). */
export async function createAgency(
  deps: Pick<AppDeps, 'db' | 'newId'>,
  partnershipId: string,
  input: z.infer<typeof NewAgencySchema>,
) {
  const row = await withConstraintProblems(
    () =>
      deps.db.kysely
        .insertInto('agency')
        .values({
          id: deps.newId(),
          partnership_id: partnershipId,
          code: input.code,
          name: input.name,
          kind: input.kind,
          email: input.email ?? null,
        })
        .returning(AGENCY_COLUMNS)
        .executeTakeFirstOrThrow(),
    { duplicate: `An agency with code ${input.code} already exists.` },
  );
  return toAgency(row);
}

/** Changes an agency's name, kind or email (404 for one not of the partnership). */
export async function changeAgency(
  db: Db,
  partnershipId: string,
  id: string,
  input: z.infer<typeof AgencyChangeSchema>,
) {
  const row = await db.kysely
    .updateTable('agency')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .returning(AGENCY_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new ProblemError(PROBLEM.notFound, 'No such agency in this partnership.');
  return toAgency(row);
}

/** Replaces the police.uk crime-type mapping in one transaction. */
export async function replacePoliceUkMapping(
  db: Db,
  partnershipId: string,
  mappings: z.infer<typeof PoliceUkMappingSchema>['mappings'],
): Promise<void> {
  await withConstraintProblems(
    () =>
      db.kysely.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('police_uk_mapping')
          .where('partnership_id', '=', partnershipId)
          .execute();
        if (mappings.length === 0) return;
        await trx
          .insertInto('police_uk_mapping')
          .values(
            mappings.map((m) => ({
              partnership_id: partnershipId,
              crime_type: m.crimeType,
              category_code: m.categoryCode,
            })),
          )
          .execute();
      }),
    {
      duplicate: 'Each crime type may appear once.',
      missingReference: {
        pointer: '/body/mappings',
        detail: 'Every categoryCode must be one of the partnership’s categories.',
      },
    },
  );
}

/** Adds an item to a taxonomy (409 for a code it already has). */
export function createTaxonomyItem(
  db: Db,
  { table, noun }: Taxonomy,
  partnershipId: string,
  input: z.infer<typeof NewTaxonomyItemSchema>,
) {
  return withConstraintProblems(
    () =>
      db.kysely
        .insertInto(table)
        .values({
          partnership_id: partnershipId,
          code: input.code,
          label: input.label,
          description: input.description ?? null,
        })
        .returning(TAXONOMY_COLUMNS)
        .executeTakeFirstOrThrow(),
    { duplicate: `A ${noun} with code ${input.code} already exists.` },
  );
}

/** Relabels, describes, retires or restores a taxonomy item (404 for an unknown code). */
export async function changeTaxonomyItem(
  db: Db,
  { table, noun }: Taxonomy,
  partnershipId: string,
  code: string,
  input: z.infer<typeof TaxonomyChangeSchema>,
) {
  const item = await db.kysely
    .updateTable(table)
    .set({
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.retired !== undefined ? { retired: input.retired } : {}),
    })
    .where('partnership_id', '=', partnershipId)
    .where('code', '=', code)
    .returning(TAXONOMY_COLUMNS)
    .executeTakeFirst();
  if (!item) throw new ProblemError(PROBLEM.notFound, `No ${noun} with code ${code}.`);
  return item;
}

/**
 * Credentials of an enabled analyst reset by an admin would let that admin enrol the account
 * as their own: the analyst is disabled until a second person approves. Returns the approval
 * request's id (null when the user is not an enabled analyst), for the audit trail.
 */
export async function suspendAnalystForReset(
  deps: AppDeps,
  admin: { partnershipId: string; id: string },
  user: { id: string; role: string; disabled: boolean },
): Promise<string | null> {
  if (user.role !== 'analyst' || user.disabled) return null;
  await refuseIfPending(deps, user.id);
  const grantId = await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ disabled: true, updated_at: deps.clock() })
      .where('id', '=', user.id)
      .execute();
    return requestAnalystGrant(
      { ...deps, db: { ...deps.db, kysely: trx } },
      {
        partnershipId: admin.partnershipId,
        userId: user.id,
        reason: 'credential-reset',
        enable: true,
        requestedBy: admin.id,
      },
    );
  });
  return grantId;
}

/** Clears a user's second factor and recovery codes, and ends their sessions. */
export async function resetSecondFactor(deps: AppDeps, userId: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ mfa_secret: null, mfa_enrolled_at: null, totp_last_counter: null })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
  });
  await endUserSessions(deps, userId);
}

/**
 * Changes a user's name, role, agency or enabled state in one transaction. The analyst role reads
 * record-level data: it is requested here (returned as grantId and grantReason) and given on
 * approval. A changed role, agency or disabling ends the user's sessions. Returns what changed,
 * for the audit trail.
 */
export async function changeUser(
  deps: AppDeps,
  admin: { partnershipId: string; id: string },
  id: string,
  change: z.infer<typeof UserChangeSchema>,
) {
  const before = await oneUser(deps.db, admin.partnershipId, id);
  if (id === admin.id && (change.disabled === true || (change.role && change.role !== 'admin'))) {
    throw new ProblemError(
      PROBLEM.conflict,
      'You cannot disable yourself or remove your own admin role.',
    );
  }
  const agencyId = change.agencyCode
    ? await agencyIdFor(deps.db, admin.partnershipId, change.agencyCode)
    : undefined;
  const enabling = change.disabled === false && before.disabled;
  // Disabling is never held up; a role change or enabling waits for a pending request.
  if ((change.role !== undefined && change.role !== before.role) || enabling)
    await refuseIfPending(deps, id);
  // The analyst role reads record-level data: it is requested here and given on approval.
  const grantReason: GrantReason | null =
    (change.role ?? before.role) !== 'analyst'
      ? null
      : before.role !== 'analyst'
        ? 'role-change'
        : enabling
          ? 're-enable'
          : null;
  const role = grantReason ? undefined : change.role;
  const disabled = grantReason && enabling ? undefined : change.disabled;
  const accessChanged =
    (role !== undefined && role !== before.role) ||
    (agencyId !== undefined && agencyId !== before.agency.id) ||
    (disabled === true && !before.disabled);
  const grantId = await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({
        ...(change.name !== undefined ? { display_name: change.name } : {}),
        ...(role !== undefined ? { role } : {}),
        ...(agencyId !== undefined ? { agency_id: agencyId } : {}),
        ...(disabled !== undefined ? { disabled } : {}),
        updated_at: deps.clock(),
      })
      .where('id', '=', id)
      .where('partnership_id', '=', admin.partnershipId)
      .execute();
    if (!grantReason) return null;
    return requestAnalystGrant(
      { ...deps, db: { ...deps.db, kysely: trx } },
      {
        partnershipId: admin.partnershipId,
        userId: id,
        reason: grantReason,
        enable: enabling,
        requestedBy: admin.id,
      },
    );
  });
  // What a session may do follows from role and agency: a changed one starts afresh.
  if (accessChanged) await endUserSessions(deps, id);
  return { role, disabled, accessChanged, grantId, grantReason };
}

/** Clears a user's password and issues an enrolment to set a new one; ends their sessions. */
export async function resetPassword(
  deps: AppDeps,
  id: string,
  issuedBy: string,
  origin: string,
): Promise<Enrolment> {
  const enrolment = await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: null, updated_at: deps.clock() })
      .where('id', '=', id)
      .execute();
    return issueEnrolment(
      { ...deps, db: { ...deps.db, kysely: trx } },
      { userId: id, issuedBy, origin },
    );
  });
  await endUserSessions(deps, id);
  return enrolment;
}
