import { AgencyKindSchema } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

// The administration screens' reads: users, agencies, settings, taxonomies, the police.uk
// mapping.

/** The partnership's two taxonomies: their table, their path under /api/admin/, their noun. */
export const TAXONOMIES = [
  { table: 'category', path: 'categories', noun: 'category' },
  { table: 'place_type', path: 'place-types', noun: 'place type' },
] as const;
export type Taxonomy = (typeof TAXONOMIES)[number];

export const TAXONOMY_COLUMNS = ['code', 'label', 'description', 'retired'] as const;

export function toAgency(r: {
  id: string;
  code: string;
  name: string;
  kind: string;
  email: string | null;
}) {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    kind: AgencyKindSchema.parse(r.kind),
    email: r.email,
  };
}

export const AGENCY_COLUMNS = ['id', 'code', 'name', 'kind', 'email'] as const;

/** The partnership's agencies, by code. */
export async function agencies(db: Db, partnershipId: string) {
  const rows = await db.kysely
    .selectFrom('agency')
    .select(AGENCY_COLUMNS)
    .where('partnership_id', '=', partnershipId)
    .orderBy('code')
    .execute();
  return rows.map(toAgency);
}

export async function partnershipSettings(db: Db, partnershipId: string) {
  const row = await db.kysely
    .selectFrom('partnership')
    .select(['suppression_k', 'retention_months', 'mfa_required', 'published_hex_sizes'])
    .where('id', '=', partnershipId)
    .executeTakeFirstOrThrow();
  return {
    suppressionK: row.suppression_k,
    retentionMonths: row.retention_months,
    mfaRequired: row.mfa_required,
    publishedHexSizes: [...row.published_hex_sizes].map(Number).sort((a, b) => a - b),
  };
}

export async function policeUkMapping(db: Db, partnershipId: string) {
  const rows = await db.kysely
    .selectFrom('police_uk_mapping')
    .select(['crime_type', 'category_code'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('crime_type')
    .execute();
  return {
    mappings: rows.map((r) => ({ crimeType: r.crime_type, categoryCode: r.category_code })),
  };
}

/** A taxonomy's items, retired included, by label. */
export function taxonomyItems(db: Db, table: Taxonomy['table'], partnershipId: string) {
  return db.kysely
    .selectFrom(table)
    .select(TAXONOMY_COLUMNS)
    .where('partnership_id', '=', partnershipId)
    .orderBy('label')
    .execute();
}

/** The partnership's users (or one), by email, with their agency and enrolment state. */
export async function loadUsers(db: Db, partnershipId: string, userId?: string) {
  let query = db.kysely
    .selectFrom('app_user')
    .innerJoin('agency', 'agency.id', 'app_user.agency_id')
    .select([
      'app_user.id',
      'app_user.email',
      'app_user.display_name',
      'app_user.role',
      'app_user.disabled',
      'app_user.mfa_enrolled_at',
      'app_user.created_at',
      (eb) => eb('app_user.password_hash', 'is not', null).as('password_set'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('role_grant')
              .select('role_grant.id')
              .whereRef('role_grant.user_id', '=', 'app_user.id')
              .where('role_grant.outcome', '=', 'pending'),
          )
          .as('awaiting_approval'),
      'agency.id as agency_id',
      'agency.code as agency_code',
      'agency.name as agency_name',
    ])
    .where('app_user.partnership_id', '=', partnershipId)
    .orderBy('app_user.email');
  if (userId) query = query.where('app_user.id', '=', userId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.display_name,
    role: r.role,
    agency: { id: r.agency_id, code: r.agency_code, name: r.agency_name },
    disabled: r.disabled,
    mfaEnrolled: r.mfa_enrolled_at !== null,
    passwordSet: Boolean(r.password_set),
    awaitingApproval: Boolean(r.awaiting_approval),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function oneUser(db: Db, partnershipId: string, userId: string) {
  const [user] = await loadUsers(db, partnershipId, userId);
  if (!user) throw new ProblemError(PROBLEM.notFound, 'No such user in this partnership.');
  return user;
}

/** The id of the partnership's agency with this code (422 pointing at agencyCode otherwise). */
export async function agencyIdFor(db: Db, partnershipId: string, code: string): Promise<string> {
  const agency = await db.kysely
    .selectFrom('agency')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!agency) {
    throw new ProblemError(PROBLEM.validation, `No agency with code ${code}.`, {
      errors: [{ pointer: '/body/agencyCode', detail: 'unknown agency code' }],
    });
  }
  return agency.id;
}
