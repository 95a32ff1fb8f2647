import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@hotspot/contracts';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { createUser } from '../accounts/index.ts';
import type { PasswordHashOptions } from '../auth/index.ts';
import { seedSuggestedActions } from '../partnership/index.ts';
import {
  DEMO_AGENCIES,
  DEMO_CATEGORIES,
  DEMO_PLACE_TYPES,
  DEMO_POLICE_UK_MAPPING,
} from './demo-taxonomy.ts';
import { generateSyntheticRecords } from './synthetic-records.ts';

export const DEMO_SLUG = 'north-worcestershire-demo';
const DATA_DIR = join(import.meta.dirname, 'data');

type AreaCollection = FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>;

export function loadDemoBoundaries(): { districts: AreaCollection; wards: AreaCollection } {
  return {
    districts: JSON.parse(readFileSync(join(DATA_DIR, 'districts-2013.geojson'), 'utf8')),
    wards: JSON.parse(readFileSync(join(DATA_DIR, 'wards-2013.geojson'), 'utf8')),
  };
}

const DEMO_USERS: readonly { role: Role; email: string; name: string; agency: string }[] = [
  { role: 'admin', email: 'admin@demo.invalid', name: 'Demo administrator', agency: 'WFDC' },
  { role: 'analyst', email: 'analyst@demo.invalid', name: 'Demo analyst', agency: 'WMP' },
  { role: 'chair', email: 'chair@demo.invalid', name: 'Demo tasking chair', agency: 'WFDC' },
  {
    role: 'partner',
    email: 'partner@demo.invalid',
    name: 'Demo partner (licensing)',
    agency: 'WRS',
  },
  { role: 'viewer', email: 'viewer@demo.invalid', name: 'Demo meeting screen', agency: 'BDC' },
];

export interface DemoResult {
  readonly created: boolean;
  readonly partnershipId: string;
  readonly users: readonly { role: Role; email: string; password: string }[];
  readonly records: number;
}

/**
 * Seeds the synthetic North Worcestershire demo when the database holds no partnership.
 * Records are deterministic (fixed seed, relative to today); passwords are random and
 * returned once so the caller can print them.
 */
export async function ensureDemo(
  deps: Pick<AppDeps, 'db' | 'clock' | 'newId'> & { passwordHashOptions?: PasswordHashOptions },
  options: { recordCount?: number; force?: boolean } = {},
): Promise<DemoResult> {
  const existing = await deps.db.kysely.selectFrom('partnership').select(['id', 'slug']).execute();
  const demo = existing.find((p) => p.slug === DEMO_SLUG);
  if (demo || (existing.length > 0 && !options.force)) {
    return { created: false, partnershipId: demo?.id ?? existing[0]!.id, users: [], records: 0 };
  }
  const { districts, wards } = loadDemoBoundaries();
  const partnershipId = deps.newId();
  const now = deps.clock();
  const users: { role: Role; email: string; password: string }[] = [];
  const records = generateSyntheticRecords(districts, now, { count: options.recordCount });

  // One transaction: a start interrupted mid-seed leaves no half-seeded partnership behind.
  await deps.db.kysely.transaction().execute(async (trx) => {
    const txDeps = { ...deps, db: { ...deps.db, kysely: trx } };
    await trx
      .insertInto('partnership')
      .values({
        id: partnershipId,
        slug: DEMO_SLUG,
        name: 'North Worcestershire CSP (synthetic demo)',
        area: sql<string>`ST_Multi(ST_CollectionExtract(ST_Union(ARRAY(
          select ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
          from unnest(${districts.features.map((f) => JSON.stringify(f.geometry))}::text[]) as g)), 3))`,
        mfa_required: false,
        synthetic: true,
      })
      .execute();
    for (const [kind, collection, source] of [
      ['district', districts, 'ONS LAD 2013 (demo data)'],
      ['ward', wards, 'ONS electoral wards 2013 (demo data; out of date)'],
    ] as const) {
      // One statement per kind: each statement that inserts districts rebuilds the published
      // area rows (migration 0012's trigger), once, rather than once per district.
      await trx
        .insertInto('boundary')
        .values(
          collection.features.map((feature) => ({
            id: deps.newId(),
            partnership_id: partnershipId,
            kind,
            code: feature.properties.code,
            name: feature.properties.name,
            geom: sql<string>`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(feature.geometry)}), 4326)), 3))`,
            source,
          })),
        )
        .execute();
    }
    await trx
      .insertInto('agency')
      .values(
        DEMO_AGENCIES.map((a) => ({
          id: deps.newId(),
          partnership_id: partnershipId,
          ...a,
          email: null,
        })),
      )
      .execute();
    await trx
      .insertInto('category')
      .values(
        DEMO_CATEGORIES.map((c) => ({ partnership_id: partnershipId, ...c, description: null })),
      )
      .execute();
    await trx
      .insertInto('place_type')
      .values(
        DEMO_PLACE_TYPES.map((c) => ({ partnership_id: partnershipId, ...c, description: null })),
      )
      .execute();
    await trx
      .insertInto('police_uk_mapping')
      .values(
        Object.entries(DEMO_POLICE_UK_MAPPING).map(([crime_type, category_code]) => ({
          partnership_id: partnershipId,
          crime_type,
          category_code,
        })),
      )
      .execute();
    await seedSuggestedActions(trx, partnershipId, deps);

    let analystId = '';
    for (const u of DEMO_USERS) {
      const password = randomBytes(12).toString('base64url');
      const created = await createUser(txDeps, {
        partnershipId,
        email: u.email,
        name: u.name,
        role: u.role,
        agencyCode: u.agency,
        password,
      });
      if (u.role === 'analyst') analystId = created.id;
      users.push({ role: u.role, email: u.email, password });
    }
    await insertDemoRecords(txDeps, partnershipId, analystId, records);
  });
  return { created: true, partnershipId, users, records: records.length };
}

async function insertDemoRecords(
  deps: Pick<AppDeps, 'db' | 'clock' | 'newId'>,
  partnershipId: string,
  analystId: string,
  records: ReturnType<typeof generateSyntheticRecords>,
): Promise<void> {
  const db = deps.db.kysely;
  const agencies = await db
    .selectFrom('agency')
    .select(['id', 'code'])
    .where('partnership_id', '=', partnershipId)
    .execute();
  const agencyId = new Map(agencies.map((a) => [a.code, a.id]));
  const content = JSON.stringify(records);
  const batchId = deps.newId();
  const now = deps.clock();
  await db
    .insertInto('batch')
    .values({
      id: batchId,
      partnership_id: partnershipId,
      uploaded_by: analystId,
      uploaded_at: now,
      file_name: 'synthetic-demo-records.json',
      sha256: createHash('sha256').update(content).digest('hex'),
      profile: 'native-csv',
      size_bytes: Buffer.byteLength(content),
      rows_total: records.length,
      rows_valid: records.length,
      rows_invalid: 0,
      rows_skipped: 0,
      status: 'committed',
      committed_at: now,
      committed_by: analystId,
    })
    .execute();
  // One statement for all of them: the rows travel as one JSON parameter (typed text: the
  // PostgreSQL driver would encode a jsonb parameter a second time) and PostGIS derives British
  // National Grid in the INSERT (the one place that projects, and no second pass, which would
  // leave a dead version of every row behind).
  const rows = records.map((r, i) => ({
    row_no: i + 2,
    reported_on: r.reportedOn,
    lng: r.lng,
    lat: r.lat,
    precision: r.precision,
    place_type: r.placeType,
    category: r.category,
    source_agency_id: agencyId.get(r.sourceAgency)!,
    source_grade: r.sourceGrade,
    intelligence_grade: r.intelligenceGrade,
    handling_code: r.handlingCode,
    summary: r.summary,
    fingerprint: createHash('sha256').update(JSON.stringify(r)).digest('hex'),
  }));
  await sql`
    insert into intelligence_record (partnership_id, batch_id, row_no, reported_on, occurred_from,
      occurred_to, location, easting, northing, precision, place_type, category, source_agency_id,
      source_grade, intelligence_grade, handling_code, summary, external_ref, fingerprint,
      review_on, synthetic)
    select ${partnershipId}::uuid, ${batchId}::uuid, r.row_no, r.reported_on, null, null, p.geom,
      ST_X(p.bng), ST_Y(p.bng), r.precision, r.place_type, r.category, r.source_agency_id,
      r.source_grade, r.intelligence_grade, r.handling_code, r.summary, null, r.fingerprint,
      (r.reported_on + make_interval(months => k.retention_months))::date, true
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(row_no integer,
      reported_on date, lng float8, lat float8, precision text, place_type text, category text,
      source_agency_id uuid, source_grade text, intelligence_grade text, handling_code text,
      summary text, fingerprint text)
    cross join (select retention_months from partnership where id = ${partnershipId}::uuid) k
    cross join lateral (select ST_SetSRID(ST_MakePoint(r.lng, r.lat), 4326) as geom) g
    cross join lateral (select g.geom, ST_Transform(g.geom, 27700) as bng) p
    order by r.row_no`.execute(db);
  // Planner statistics for the freshly loaded tables, as after a batch commit.
  await sql`analyze intelligence_record, published_cell, published_cell_total`.execute(db);
}
