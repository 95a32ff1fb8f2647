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
      for (const feature of collection.features) {
        await trx
          .insertInto('boundary')
          .values({
            id: deps.newId(),
            partnership_id: partnershipId,
            kind,
            code: feature.properties.code,
            name: feature.properties.name,
            geom: sql<string>`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(feature.geometry)}), 4326)), 3))`,
            source,
          })
          .execute();
      }
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
  const chunk = 500;
  for (let start = 0; start < records.length; start += chunk) {
    const rows = records.slice(start, start + chunk).map((r, i) => ({
      partnership_id: partnershipId,
      batch_id: batchId,
      row_no: start + i + 2,
      reported_on: r.reportedOn,
      occurred_from: null,
      occurred_to: null,
      location: sql<string>`ST_SetSRID(ST_MakePoint(${r.lng}, ${r.lat}), 4326)`,
      // British National Grid derived by PostGIS, the one place that projects; in the INSERT,
      // not a second pass, which would leave a dead version of every row behind.
      easting: sql<number>`ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(${r.lng}, ${r.lat}), 4326), 27700))`,
      northing: sql<number>`ST_Y(ST_Transform(ST_SetSRID(ST_MakePoint(${r.lng}, ${r.lat}), 4326), 27700))`,
      precision: r.precision,
      place_type: r.placeType,
      category: r.category,
      source_agency_id: agencyId.get(r.sourceAgency)!,
      source_grade: r.sourceGrade,
      intelligence_grade: r.intelligenceGrade,
      handling_code: r.handlingCode,
      summary: r.summary,
      external_ref: null,
      fingerprint: createHash('sha256').update(JSON.stringify(r)).digest('hex'),
      review_on: sql<string>`(${r.reportedOn}::date + make_interval(months => (select retention_months from partnership where id = ${partnershipId})))::date`,
      synthetic: true,
    }));
    await db.insertInto('intelligence_record').values(rows).execute();
  }
  // Planner statistics for the freshly loaded tables, as after a batch commit.
  await sql`analyze intelligence_record, published_cell, published_cell_total`.execute(db);
}
