// Setting up a partnership without the demo, on both databases: what create-partnership writes,
// and that a bad file (or a taken slug) leaves the database exactly as it was.
import { randomUUID } from 'node:crypto';
import type { Database, Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEYRING } from '../../../testing/audit-key.ts';
import { verifyAuditChain } from '../../audit/index.ts';
import {
  createPartnership,
  importAgencies,
  importTaxonomy,
  requireAgency,
  resolvePartnership,
  type SetupFile,
  slugFromName,
} from './partnership-setup.ts';
import { DEFAULT_SUGGESTED_ACTIONS } from './suggested-action-defaults.ts';
import { problemOf, square } from './test-support.ts';

function districtsFile(
  features: { code: string; coordinates: unknown }[],
  name = 'districts.geojson',
): SetupFile {
  return {
    name,
    text: JSON.stringify({
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        properties: { LAD23CD: f.code, LAD23NM: `District ${f.code}` },
        geometry: { type: 'Polygon', coordinates: f.coordinates },
      })),
    }),
  };
}

// Two adjoining 0.01-degree squares and a bow tie (self-intersecting, repairable).
const GOOD = districtsFile([
  { code: 'E1', coordinates: square(-2.2, 52.2) },
  { code: 'E2', coordinates: square(-2.19, 52.2) },
  {
    code: 'E3',
    coordinates: [
      [
        [-2.18, 52.2],
        [-2.17, 52.21],
        [-2.17, 52.2],
        [-2.18, 52.21],
        [-2.18, 52.2],
      ],
    ],
  },
]);

const AGENCIES: SetupFile = {
  name: 'agencies.csv',
  text: 'code,name,kind,email\nPOL,Test Police,police,\nCC,Test City Council,council,csp@example.org\n',
};

const TABLES = [
  'partnership',
  'boundary',
  'agency',
  'category',
  'place_type',
  'police_uk_mapping',
  'suggested_action',
  'audit_event',
] as const;

async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    counts[table] = row.rows[0]!.n;
  }
  return counts;
}

describe.each(testDatabases())('partnership setup on $kind', (target) => {
  let db: Db;
  const deps = () => ({
    db,
    clock: () => new Date('2025-03-01T09:00:00Z'),
    newId: randomUUID,
    auditKeys: TEST_AUDIT_KEYRING,
  });

  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('says there is no partnership yet', async () => {
    expect(await problemOf(() => resolvePartnership(db.kysely, undefined))).toMatch(
      /^the database holds no partnership yet: run create-partnership first/,
    );
  });

  it('creates the partnership: area the union of the districts, districts, agencies, the default taxonomy, suggestions', async () => {
    const created = await createPartnership(deps(), {
      name: 'Test Vale CSP',
      districts: GOOD,
      agencies: AGENCIES,
    });
    expect(created).toMatchObject({
      slug: 'test-vale-csp',
      name: 'Test Vale CSP',
      districts: 3,
      codeProperty: 'LAD23CD',
      nameProperty: 'LAD23NM',
      detected: { code: true, name: true },
      agencies: 2,
      taxonomy: { categories: 12, placeTypes: 10, policeUkCrimeTypes: 14 },
    });
    expect(created.repaired).toEqual([
      expect.stringMatching(/^feature 3 \(E3 District E3\): Self-intersection/),
    ]);
    const partnership = await db.kysely
      .selectFrom('partnership')
      .select(['id', 'mfa_required', 'synthetic'])
      .where('slug', '=', 'test-vale-csp')
      .executeTakeFirstOrThrow();
    expect(partnership).toEqual({ id: created.id, mfa_required: true, synthetic: false });
    const boundaries = await db.kysely
      .selectFrom('boundary')
      .select(['kind', 'code', 'name', sql<string>`ST_GeometryType(geom)`.as('type')])
      .where('partnership_id', '=', created.id)
      .orderBy('code')
      .execute();
    expect(boundaries).toEqual(
      ['E1', 'E2', 'E3'].map((code) => ({
        kind: 'district',
        code,
        name: `District ${code}`,
        type: 'ST_MultiPolygon',
      })),
    );
    // The area is the districts' union: same shape, and the shared edge of E1 and E2 is gone.
    const area = await sql<{ same: boolean; valid: boolean; parts: number }>`
      select ST_Equals(p.area, (select ST_Union(geom) from boundary where partnership_id = p.id)) as same,
        ST_IsValid(p.area) as valid, ST_NumGeometries(p.area) as parts
      from partnership p where p.id = ${created.id}`.execute(db.kysely);
    expect(area.rows[0]).toEqual({ same: true, valid: true, parts: 3 });
    expect(created.areaKm2).toBeGreaterThan(0);
    const agencies = await db.kysely
      .selectFrom('agency')
      .select(['code', 'kind', 'email'])
      .where('partnership_id', '=', created.id)
      .orderBy('code')
      .execute();
    expect(agencies).toEqual([
      { code: 'CC', kind: 'council', email: 'csp@example.org' },
      { code: 'POL', kind: 'police', email: null },
    ]);
    const mapping = await db.kysely
      .selectFrom('police_uk_mapping')
      .select(['crime_type', 'category_code'])
      .where('partnership_id', '=', created.id)
      .where('crime_type', '=', 'Drugs')
      .execute();
    expect(mapping).toEqual([{ crime_type: 'Drugs', category_code: 'drugs' }]);
    const suggestions = await db.kysely
      .selectFrom('suggested_action')
      .select('title')
      .where('partnership_id', '=', created.id)
      .orderBy('position')
      .execute();
    expect(suggestions.map((s) => s.title)).toEqual(DEFAULT_SUGGESTED_ACTIONS.map((s) => s.title));
    const events = await db.kysely
      .selectFrom('audit_event')
      .select(['partnership_id', 'action'])
      .execute();
    expect(events).toEqual([{ partnership_id: created.id, action: 'partnership.create' }]);
    expect(await verifyAuditChain(db.kysely, TEST_AUDIT_KEYRING)).toMatchObject({ ok: true });
  });

  it.each([
    [
      'an unrepairable polygon',
      () => ({
        districts: districtsFile([
          { code: 'E1', coordinates: square(-2.2, 52.2) },
          {
            code: 'E9',
            coordinates: [
              [
                [-2.1, 52.1],
                [-2.0, 52.1],
                [-2.0, 52.1],
                [-2.1, 52.1],
              ],
            ],
          },
        ]),
      }),
      /^districts\.geojson: feature 2 \(E9 District E9\): the polygon is not valid \(Too few points in geometry component\[-2\.1 52\.1\]\) and cannot be repaired: nothing with an area is left$/,
    ],
    [
      'an open ring',
      () => ({
        districts: districtsFile([
          {
            code: 'E1',
            coordinates: [
              [
                [-2.2, 52.2],
                [-2.1, 52.2],
                [-2.1, 52.3],
                [-2.2, 52.3],
              ],
            ],
          },
        ]),
      }),
      /^districts\.geojson: feature 1 \(E1 District E1\): a ring is open/,
    ],
    [
      'a bad agencies file',
      () => ({
        districts: GOOD,
        agencies: { name: 'agencies.csv', text: 'code,name,kind\nPOL,Police,polis\n' },
      }),
      /^agencies\.csv: 1 problem, nothing imported:\n {2}agencies\.csv line 2, column kind: "polis" must be one of/,
    ],
    [
      'a bad taxonomy file',
      () => ({
        districts: GOOD,
        taxonomy: { name: 'taxonomy.csv', text: 'kind,code,label\ncategory,Drugs,Drugs\n' },
      }),
      /^taxonomy\.csv: 1 problem, nothing imported:\n {2}taxonomy\.csv line 2, column code: "Drugs" must be lower-case/,
    ],
    [
      'a taken slug',
      () => ({ districts: GOOD, slug: 'test-vale-csp' }),
      /^the slug test-vale-csp is taken by the partnership "Test Vale CSP": give another with --slug S$/,
    ],
    [
      'a slug that is not one',
      () => ({ districts: GOOD, slug: 'Test Vale' }),
      /^the slug Test Vale must be lower-case words joined by hyphens/,
    ],
  ])('refuses %s and writes nothing', async (_, input, message) => {
    const before = await rowCounts(db.kysely);
    expect(
      await problemOf(() => createPartnership(deps(), { name: 'Another CSP', ...input() })),
    ).toMatch(message);
    expect(await rowCounts(db.kysely)).toEqual(before);
  });

  it('imports agencies and taxonomy into the partnership named, correcting what is there, all or nothing', async () => {
    await createPartnership(deps(), {
      name: 'Second CSP',
      districts: districtsFile([{ code: 'S1', coordinates: square(-1.5, 52.5) }]),
    });
    expect(await problemOf(() => resolvePartnership(db.kysely, undefined))).toBe(
      'the database holds 2 partnerships (second-csp, test-vale-csp): give --partnership SLUG',
    );
    expect(await problemOf(() => resolvePartnership(db.kysely, 'third'))).toBe(
      'no partnership with the slug third (there are: second-csp, test-vale-csp)',
    );
    const second = await resolvePartnership(db.kysely, 'second-csp');
    expect(await problemOf(() => requireAgency(db.kysely, second, 'POL'))).toBe(
      'the partnership second-csp has no agencies yet: run import-agencies FILE.csv --partnership second-csp first',
    );

    const imported = await importAgencies(deps(), 'second-csp', {
      name: 'agencies.csv',
      text: 'code,name,kind\nPOL,Second Police,police\nSC,Second Council,council\n',
    });
    expect(imported).toMatchObject({ partnership: { slug: 'second-csp' }, agencies: 2 });
    await requireAgency(db.kysely, second, 'SC');
    // POL of test-vale-csp is another agency: each partnership has its own.
    const first = await resolvePartnership(db.kysely, 'test-vale-csp');
    expect(await problemOf(() => requireAgency(db.kysely, first, 'SC'))).toBe(
      'the partnership test-vale-csp has no agency SC (its agencies: CC, POL)',
    );
    await importAgencies(deps(), 'second-csp', {
      name: 'agencies.csv',
      text: 'code,name,kind\nSC,Second City Council,council\n',
    });
    const names = await db.kysely
      .selectFrom('agency')
      .select(['code', 'name'])
      .where('partnership_id', '=', second.id)
      .orderBy('code')
      .execute();
    expect(names).toEqual([
      { code: 'POL', name: 'Second Police' },
      { code: 'SC', name: 'Second City Council' },
    ]);

    await db.kysely
      .updateTable('category')
      .set({ retired: true })
      .where('partnership_id', '=', second.id)
      .where('code', '=', 'drugs')
      .execute();
    const taxonomy = await importTaxonomy(deps(), 'second-csp', {
      name: 'taxonomy.csv',
      text: 'kind,code,label,police_uk_crime_types\ncategory,drugs,Drugs and dealing,Drugs;Possession of weapons\nplace-type,car-park,Car park,\n',
    });
    expect(taxonomy.taxonomy).toEqual({ categories: 1, placeTypes: 1, policeUkCrimeTypes: 2 });
    const drugs = await db.kysely
      .selectFrom('category')
      .select(['label', 'retired'])
      .where('partnership_id', '=', second.id)
      .where('code', '=', 'drugs')
      .executeTakeFirstOrThrow();
    expect(drugs).toEqual({ label: 'Drugs and dealing', retired: false });
    const weapons = await db.kysely
      .selectFrom('police_uk_mapping')
      .select('category_code')
      .where('partnership_id', '=', second.id)
      .where('crime_type', '=', 'Possession of weapons')
      .executeTakeFirstOrThrow();
    expect(weapons.category_code).toBe('drugs');

    const before = await rowCounts(db.kysely);
    expect(
      await problemOf(() =>
        importTaxonomy(deps(), 'second-csp', {
          name: 'taxonomy.csv',
          text: 'kind,code,label\nplace-type,bus-station,Bus station\nplace-type,Bad Code,Bad\n',
        }),
      ),
    ).toMatch(
      /^taxonomy\.csv: 1 problem, nothing imported:\n {2}taxonomy\.csv line 3, column code/,
    );
    expect(await rowCounts(db.kysely)).toEqual(before);
  });
});

describe('slugs from names', () => {
  it.each([
    ['South Worcestershire', 'south-worcestershire'],
    ['  Bromsgrove & Redditch CSP ', 'bromsgrove-redditch-csp'],
    ['Ynys Môn', 'ynys-mon'],
    ['!!!', ''],
  ])('%s -> %s', (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
  });
});
