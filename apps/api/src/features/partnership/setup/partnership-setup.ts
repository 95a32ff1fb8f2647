// Over 400 lines because creating a partnership checks and writes its area, districts, agencies and
// taxonomy in one transaction, with the file checks each step needs, read top to bottom.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Database } from '@hotspot/db';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AppDeps } from '../../../deps.ts';
import { PROBLEM, ProblemError } from '../../../http/problem.ts';
import { type AuditActor, audit } from '../../audit/index.ts';
import { type DistrictInput, districtsProblem, parseDistricts } from './districts.ts';
import {
  type AgencyRow,
  parseAgenciesCsv,
  parseTaxonomyCsv,
  type TaxonomyRow,
} from './setup-csv.ts';
import { seedSuggestedActions } from './suggested-action-defaults.ts';

/** The documented starting taxonomy for CSE places (the demo's), also the taxonomy CSV example. */
export const DEFAULT_TAXONOMY_PATH = join(import.meta.dirname, 'default-taxonomy.csv');

/** A file handed to a setup command: its name (for messages) and its text. */
export interface SetupFile {
  readonly name: string;
  readonly text: string;
}

/** Reads a file for a setup command; a missing or unreadable file is one clear line. */
export function readSetupFile(path: string): SetupFile {
  try {
    return { name: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ProblemError(
      PROBLEM.validation,
      `cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`,
    );
  }
}

type SetupDeps = Pick<AppDeps, 'db' | 'clock' | 'newId' | 'auditKeys'>;

/**
 * Audits a setup step inside its transaction, so the event commits with the change. Setup runs
 * from the command line: no user, no request, no address.
 */
function auditSetup(
  deps: SetupDeps,
  trx: Kysely<Database>,
  partnershipId: string,
  event: { action: string; objectType: string; objectId?: string; query: Record<string, unknown> },
): Promise<string> {
  const actor: AuditActor = {
    partnershipId,
    userId: null,
    role: null,
    agencyCode: null,
    address: null,
    requestId: null,
  };
  return audit(
    { db: { ...deps.db, kysely: trx }, clock: deps.clock, auditKeys: deps.auditKeys },
    actor,
    {
      category: 'admin',
      ...event,
    },
  );
}

export interface PartnershipRef {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

/**
 * The partnership a command acts on: the one named by `slug`, or the only one when no slug is
 * given. Several partnerships and no slug, an unknown slug or none at all: a clear message.
 */
export async function resolvePartnership(
  db: Kysely<Database>,
  slug: string | undefined,
): Promise<PartnershipRef> {
  const all = await db
    .selectFrom('partnership')
    .select(['id', 'slug', 'name'])
    .orderBy('slug')
    .execute();
  if (all.length === 0) {
    throw new ProblemError(
      PROBLEM.notFound,
      'the database holds no partnership yet: run create-partnership first (or seed-demo for the synthetic demo)',
    );
  }
  const slugs = all.map((p) => p.slug).join(', ');
  if (slug === undefined) {
    if (all.length === 1) return all[0]!;
    throw new ProblemError(
      PROBLEM.validation,
      `the database holds ${all.length} partnerships (${slugs}): give --partnership SLUG`,
    );
  }
  const found = all.find((p) => p.slug === slug);
  if (!found) {
    throw new ProblemError(
      PROBLEM.notFound,
      `no partnership with the slug ${slug} (there are: ${slugs})`,
    );
  }
  return found;
}

/** Refuses an agency code that is not one of the partnership's agencies, listing those there are. */
export async function requireAgency(
  db: Kysely<Database>,
  partnership: PartnershipRef,
  code: string,
): Promise<void> {
  const agencies = await db
    .selectFrom('agency')
    .select('code')
    .where('partnership_id', '=', partnership.id)
    .orderBy('code')
    .execute();
  if (agencies.some((a) => a.code === code)) return;
  throw new ProblemError(
    PROBLEM.validation,
    agencies.length === 0
      ? `the partnership ${partnership.slug} has no agencies yet: run import-agencies FILE.csv --partnership ${partnership.slug} first`
      : `the partnership ${partnership.slug} has no agency ${code} (its agencies: ${agencies.map((a) => a.code).join(', ')})`,
  );
}

const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MAX = 60;

/** "South Worcestershire CSP" -> "south-worcestershire-csp". */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
}

export interface CreatePartnershipInput {
  readonly name: string;
  readonly slug?: string;
  readonly districts: SetupFile;
  readonly codeProperty?: string;
  readonly nameProperty?: string;
  readonly agencies?: SetupFile;
  /** Default: the starting taxonomy for CSE places (DEFAULT_TAXONOMY_PATH). */
  readonly taxonomy?: SetupFile;
}

export interface TaxonomyCounts {
  readonly categories: number;
  readonly placeTypes: number;
  readonly policeUkCrimeTypes: number;
}

export interface CreatedPartnership extends PartnershipRef {
  readonly districts: number;
  readonly codeProperty: string;
  readonly nameProperty: string;
  readonly detected: { readonly code: boolean; readonly name: boolean };
  /** Districts PostGIS repaired (ST_MakeValid), with the reason they were invalid. */
  readonly repaired: readonly string[];
  readonly areaKm2: number;
  readonly agencies: number;
  readonly taxonomy: TaxonomyCounts & { readonly file: string };
}

/** A partnership's name, slug and files, read and checked: what needs no database. */
export interface CheckedPartnershipInput {
  readonly name: string;
  readonly slug: string;
  readonly districtsFile: string;
  readonly parsed: Awaited<ReturnType<typeof parseDistricts>>;
  readonly agencies: ReturnType<typeof parseAgenciesCsv>;
  readonly taxonomyFile: string;
  readonly taxonomy: ReturnType<typeof parseTaxonomyCsv>;
}

/**
 * Checks a new partnership's name, slug and files without touching any database (the command
 * line does this before opening one, so a bad file is refused at once): one ProblemError naming
 * the file and the problem. PostGIS's own check of the geometries and the slug's uniqueness are
 * createPartnership's.
 */
export async function checkPartnershipInput(
  input: CreatePartnershipInput,
): Promise<CheckedPartnershipInput> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) {
    throw new ProblemError(PROBLEM.validation, 'the name must be 1 to 200 characters');
  }
  const slug = input.slug ?? slugFromName(name);
  if (!SLUG_PATTERN.test(slug) || slug.length > SLUG_MAX) {
    throw new ProblemError(
      PROBLEM.validation,
      input.slug === undefined
        ? `no slug can be made from the name "${name}": give --slug S (lower-case words joined by hyphens)`
        : `the slug ${slug} must be lower-case words joined by hyphens, at most ${SLUG_MAX} characters`,
    );
  }
  const parsed = await inFile(input.districts.name, () =>
    parseDistricts(input.districts.text, {
      codeProperty: input.codeProperty,
      nameProperty: input.nameProperty,
    }),
  );
  const agencies = input.agencies ? parseAgenciesCsv(input.agencies.text, input.agencies.name) : [];
  const taxonomyFile = input.taxonomy ?? {
    name: `the default CSE taxonomy (${relative(process.cwd(), DEFAULT_TAXONOMY_PATH)})`,
    text: readFileSync(DEFAULT_TAXONOMY_PATH, 'utf8'),
  };
  const taxonomy = parseTaxonomyCsv(taxonomyFile.text, taxonomyFile.name);
  return {
    name,
    slug,
    districtsFile: input.districts.name,
    parsed,
    agencies,
    taxonomyFile: taxonomyFile.name,
    taxonomy,
  };
}

/**
 * Creates a partnership from a districts GeoJSON file: the area is the union of the districts
 * (each made valid by PostGIS), the districts are its district boundaries, with agencies and the
 * taxonomy from CSV files (the default CSE taxonomy when none is given) and the default
 * suggested actions. Every file is checked before anything is written, and everything is
 * written in one transaction: a bad file leaves the database as it was.
 */
export async function createPartnership(
  deps: SetupDeps,
  input: CreatePartnershipInput | CheckedPartnershipInput,
): Promise<CreatedPartnership> {
  const db = deps.db.kysely;
  const { name, slug, districtsFile, parsed, agencies, taxonomyFile, taxonomy } =
    'parsed' in input ? input : await checkPartnershipInput(input);
  const repaired = await inFile(districtsFile, () => checkGeometries(db, parsed.districts));
  const taken = await db
    .selectFrom('partnership')
    .select('name')
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (taken) {
    throw new ProblemError(
      PROBLEM.conflict,
      `the slug ${slug} is taken by the partnership "${taken.name}": give another with --slug S`,
    );
  }

  const id = deps.newId();
  const geometries = parsed.districts.map((d) => JSON.stringify(d.geometry));
  const area = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('partnership')
      .values({
        id,
        slug,
        name,
        area: sql<string>`ST_Multi(ST_CollectionExtract(ST_Union(ARRAY(
          select ${validGeometry(sql`g`)}
          from unnest(${geometries}::text[]) as g)), 3))`,
      })
      .execute();
    const source = `${districtsFile.split(/[\\/]/).pop()} (${parsed.codeProperty}, ${parsed.nameProperty})`;
    for (const district of parsed.districts) {
      await trx
        .insertInto('boundary')
        .values({
          id: deps.newId(),
          partnership_id: id,
          kind: 'district',
          code: district.code,
          name: district.name,
          geom: sql<string>`ST_Multi(${validGeometry(sql`${JSON.stringify(district.geometry)}`)})`,
          source,
        })
        .execute();
    }
    await writeAgencies(trx, deps, id, agencies);
    await writeTaxonomy(trx, id, taxonomy);
    await seedSuggestedActions(trx, id, deps);
    const row = await sql<{ km2: number }>`select ST_Area(area::geography) / 1e6 as km2
      from partnership where id = ${id}`.execute(trx);
    await auditSetup(deps, trx, id, {
      action: 'partnership.create',
      objectType: 'partnership',
      objectId: id,
      query: { slug, districts: parsed.districts.length, agencies: agencies.length },
    });
    return Number(row.rows[0]?.km2 ?? 0);
  });
  return {
    id,
    slug,
    name,
    districts: parsed.districts.length,
    codeProperty: parsed.codeProperty,
    nameProperty: parsed.nameProperty,
    detected: parsed.detected,
    repaired,
    areaKm2: area,
    agencies: agencies.length,
    taxonomy: { file: taxonomyFile, ...countTaxonomy(taxonomy) },
  };
}

/** GeoJSON text -> a valid WGS84 polygonal geometry, as the demo and boundary uploads store them. */
function validGeometry(geojson: RawBuilder<unknown>) {
  return sql`ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(${geojson})), 4326)), 3)`;
}

/** Runs `read`, prefixing the file's name to the one-line problem it may throw. */
async function inFile<T>(file: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ProblemError) {
      throw new ProblemError(error.kind, `${file}: ${error.detail}`);
    }
    throw error;
  }
}

/**
 * Asks PostGIS about every district before anything is written: an invalid polygon (a
 * self-intersection, say) is repaired with ST_MakeValid when something polygonal remains, and
 * refused, naming the district and PostGIS's reason, when nothing does.
 */
async function checkGeometries(
  db: Kysely<Database>,
  districts: readonly DistrictInput[],
): Promise<string[]> {
  const texts = districts.map((d) => JSON.stringify(d.geometry));
  let rows: { i: number; reason: string | null; empty: boolean }[];
  try {
    rows = (
      await sql<{ i: number; reason: string | null; empty: boolean }>`
        select u.i::int as i,
          case when ST_IsValid(g.geom) then null else ST_IsValidReason(g.geom) end as reason,
          ST_IsEmpty(${validGeometry(sql`u.t`)}) as empty
        from unnest(${texts}::text[]) with ordinality as u(t, i)
        cross join lateral (
          select ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(u.t)), 4326) as geom
        ) g
        order by u.i`.execute(db)
    ).rows;
  } catch (error) {
    throw districtsProblem(
      `PostGIS cannot read the geometries (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const repaired: string[] = [];
  for (const row of rows) {
    const district = districts[row.i - 1]!;
    const where = `feature ${row.i} (${district.code} ${district.name})`;
    if (row.empty) {
      throw districtsProblem(
        `${where}: the polygon is not valid (${row.reason ?? 'no area'}) and cannot be repaired: nothing with an area is left`,
      );
    }
    if (row.reason) repaired.push(`${where}: ${row.reason}`);
  }
  return repaired;
}

async function writeAgencies(
  db: Kysely<Database>,
  deps: Pick<AppDeps, 'newId'>,
  partnershipId: string,
  agencies: readonly AgencyRow[],
): Promise<void> {
  if (agencies.length === 0) return;
  await db
    .insertInto('agency')
    .values(agencies.map((a) => ({ id: deps.newId(), partnership_id: partnershipId, ...a })))
    .onConflict((oc) =>
      oc.columns(['partnership_id', 'code']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        kind: eb.ref('excluded.kind'),
        email: eb.ref('excluded.email'),
      })),
    )
    .execute();
}

async function writeTaxonomy(
  db: Kysely<Database>,
  partnershipId: string,
  rows: readonly TaxonomyRow[],
): Promise<void> {
  for (const [kind, table] of [
    ['category', 'category'],
    ['place-type', 'place_type'],
  ] as const) {
    const items = rows.filter((r) => r.kind === kind);
    if (items.length === 0) continue;
    await db
      .insertInto(table)
      .values(
        items.map((r) => ({
          partnership_id: partnershipId,
          code: r.code,
          label: r.label,
          description: r.description,
        })),
      )
      // Re-importing corrects labels and brings a retired code back; codes are never deleted,
      // since records keep theirs.
      .onConflict((oc) =>
        oc.columns(['partnership_id', 'code']).doUpdateSet((eb) => ({
          label: eb.ref('excluded.label'),
          description: eb.ref('excluded.description'),
          retired: false,
        })),
      )
      .execute();
  }
  const mapping = rows.flatMap((r) =>
    r.policeUkCrimeTypes.map((crime_type) => ({
      partnership_id: partnershipId,
      crime_type,
      category_code: r.code,
    })),
  );
  if (mapping.length === 0) return;
  await db
    .insertInto('police_uk_mapping')
    .values(mapping)
    .onConflict((oc) =>
      oc
        .columns(['partnership_id', 'crime_type'])
        .doUpdateSet((eb) => ({ category_code: eb.ref('excluded.category_code') })),
    )
    .execute();
}

function countTaxonomy(rows: readonly TaxonomyRow[]): TaxonomyCounts {
  return {
    categories: rows.filter((r) => r.kind === 'category').length,
    placeTypes: rows.filter((r) => r.kind === 'place-type').length,
    policeUkCrimeTypes: rows.reduce((n, r) => n + r.policeUkCrimeTypes.length, 0),
  };
}

/**
 * Adds the agencies of a CSV file to a partnership, or corrects the name, kind and email of
 * those it already has (by code). All rows or none.
 */
export async function importAgencies(
  deps: SetupDeps,
  slug: string | undefined,
  file: SetupFile,
): Promise<{ partnership: PartnershipRef; agencies: number }> {
  const rows = parseAgenciesCsv(file.text, file.name);
  const partnership = await importInto(
    deps,
    slug,
    (trx, id) => writeAgencies(trx, deps, id, rows),
    {
      action: 'agencies.import',
      objectType: 'agency',
      query: { agencies: rows.length },
    },
  );
  return { partnership, agencies: rows.length };
}

/** Parses an agencies or taxonomy CSV without any database: throws the bad file's one-line problem. */
export function checkImportFile(kind: 'agencies' | 'taxonomy', file: SetupFile): void {
  if (kind === 'agencies') parseAgenciesCsv(file.text, file.name);
  else parseTaxonomyCsv(file.text, file.name);
}

/**
 * Adds the categories, place types and police.uk mapping of a taxonomy CSV to a partnership
 * (labels of existing codes are corrected, retired ones brought back). All rows or none.
 */
export async function importTaxonomy(
  deps: SetupDeps,
  slug: string | undefined,
  file: SetupFile,
): Promise<{ partnership: PartnershipRef; taxonomy: TaxonomyCounts }> {
  const rows = parseTaxonomyCsv(file.text, file.name);
  const taxonomy = countTaxonomy(rows);
  const partnership = await importInto(deps, slug, (trx, id) => writeTaxonomy(trx, id, rows), {
    action: 'taxonomy.import',
    objectType: 'taxonomy',
    query: { ...taxonomy },
  });
  return { partnership, taxonomy };
}

/** Writes parsed rows into the partnership named, audited, in one transaction. */
async function importInto(
  deps: SetupDeps,
  slug: string | undefined,
  write: (trx: Kysely<Database>, partnershipId: string) => Promise<void>,
  event: { action: string; objectType: string; query: Record<string, unknown> },
): Promise<PartnershipRef> {
  const partnership = await resolvePartnership(deps.db.kysely, slug);
  await deps.db.kysely.transaction().execute(async (trx) => {
    await write(trx, partnership.id);
    await auditSetup(deps, trx, partnership.id, event);
  });
  return partnership;
}

/**
 * What `npm start` prints, instead of serving an empty app, when the database holds no
 * partnership and the demo is not wanted.
 */
export const NO_PARTNERSHIP_HELP = `hotspot-map: the database holds no partnership, so there is nothing to serve yet.
Set up your partnership (README.md, "Set up your partnership"), then start again:
  npm run cli -- create-partnership --name "Your CSP" --districts districts.geojson [--agencies agencies.csv] [--taxonomy taxonomy.csv]
  npm run cli -- import-agencies agencies.csv --partnership SLUG
  npm run cli -- import-taxonomy taxonomy.csv --partnership SLUG   (optional: the default CSE taxonomy is installed)
  npm run cli -- create-user --partnership SLUG --email E --role admin --agency CODE   (password on standard input)
Or look around the synthetic demo first: SEED_DEMO=true npm start`;

/** Whether the database holds any partnership. */
export async function hasPartnership(db: Kysely<Database>): Promise<boolean> {
  return (
    (await db.selectFrom('partnership').select('id').limit(1).executeTakeFirst()) !== undefined
  );
}

/** What create-partnership prints: the slug and id, what was read and what to run next. */
export function describeCreated(created: CreatedPartnership): string[] {
  const how = (detected: boolean) => (detected ? 'detected' : 'given');
  return [
    `created partnership "${created.name}": slug ${created.slug}, id ${created.id}`,
    `  districts: ${created.districts}, code from ${created.codeProperty} (${how(created.detected.code)}), name from ${created.nameProperty} (${how(created.detected.name)}); area ${created.areaKm2.toFixed(0)} km²`,
    ...created.repaired.map((r) => `  repaired with ST_MakeValid: ${r}`),
    `  agencies: ${created.agencies}`,
    `  taxonomy from ${created.taxonomy.file}: ${describeTaxonomy(created.taxonomy)}`,
    'next:',
    ...(created.agencies === 0
      ? [`  npm run cli -- import-agencies agencies.csv --partnership ${created.slug}`]
      : []),
    `  npm run cli -- create-user --partnership ${created.slug} --email E --role admin --agency CODE`,
  ];
}

export function describeTaxonomy(counts: TaxonomyCounts): string {
  return `${counts.categories} categories, ${counts.placeTypes} place types, ${counts.policeUkCrimeTypes} police.uk crime types mapped`;
}
