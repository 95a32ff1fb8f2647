import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { AREA_LATTICE } from './published.ts';
import {
  type CraftedDistrict,
  type CraftedRecord,
  insertRecords,
  replaceDistricts,
} from './testing.ts';

// Kidderminster, BNG metres. Three districts side by side: the town holds the busy places, the
// west and east hold only what a test adds there.
const CENTRE = { e: 383_000, n: 276_500 };
const DISTRICTS: readonly CraftedDistrict[] = [
  {
    code: 'W',
    name: 'West',
    west: CENTRE.e - 9000,
    south: CENTRE.n - 9000,
    east: CENTRE.e - 3000,
    north: CENTRE.n + 9000,
  },
  {
    code: 'T',
    name: 'Town',
    west: CENTRE.e - 3000,
    south: CENTRE.n - 9000,
    east: CENTRE.e + 3000,
    north: CENTRE.n + 9000,
  },
  {
    code: 'E',
    name: 'East',
    west: CENTRE.e + 3000,
    south: CENTRE.n - 9000,
    east: CENTRE.e + 9000,
    north: CENTRE.n + 9000,
  },
];

function town(count: number, seed: number): CraftedRecord[] {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  return Array.from({ length: count }, (_, i) => ({
    easting: CENTRE.e + (next() - 0.5) * 5000,
    northing: CENTRE.n + (next() - 0.5) * 5000,
    handlingCode: 'P',
    reportedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    category: i % 3 === 0 ? 'older-males-with-children' : 'concern-premises',
  }));
}

async function areaRows(db: Db, partnershipId: string) {
  const rows = await sql<Record<string, string>>`
    select month::text as month, cell, category, place_type, source_grade, intelligence_grade,
      n::text as n, key_sum::text as key_sum
    from published_cell where partnership_id = ${partnershipId} and lattice = ${AREA_LATTICE}
    order by month, cell, category, place_type, source_grade, intelligence_grade`.execute(
    db.kysely,
  );
  return rows.rows;
}

/** True counts of records per district in 2024 (P only by default), from the records themselves. */
async function trueDistrictCounts(db: Db, partnershipId: string, codes: readonly string[] = ['P']) {
  const rows = await sql<{ code: string; n: string }>`
    select b.code, count(r.id)::text as n from boundary b
    left join intelligence_record r on r.partnership_id = b.partnership_id
      and r.handling_code = any(${[...codes]}::text[]) and r.reported_on between '2024-01-01' and '2024-12-31'
      and ST_Covers(ST_Transform(b.geom, 27700), ST_SetSRID(ST_MakePoint(r.easting, r.northing), 27700))
    where b.partnership_id = ${partnershipId} and b.kind = 'district'
    group by b.code order by b.code`.execute(db.kysely);
  return new Map(rows.rows.map((r) => [r.code, Number(r.n)]));
}

describe.each(testDatabases())('districts as a published geography on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  const cookies: Record<string, string> = {};

  const summary = async (role: string, district: string, extra: Record<string, unknown> = {}) =>
    request(app, 'POST', '/api/analysis/summary', {
      cookie: cookies[role],
      json: { from: '2024-01-01', to: '2024-12-31', district, ...extra },
    });

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-01-15T09:00:00Z') }));
    seed = await seedPartnership(deps, { slug: `areas-${deps.newId().slice(0, 8)}` });
    await replaceDistricts(db, seed.partnershipId, DISTRICTS, deps.newId);
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      town(400, 7),
      deps.newId,
    );
    for (const role of ['analyst', 'chair'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it('counts each P record in one district, kept current as a recount would be', async () => {
    const truth = await trueDistrictCounts(db, seed.partnershipId);
    const rows = await areaRows(db, seed.partnershipId);
    const stored = new Map<string, number>();
    for (const r of rows) stored.set(r.cell!, (stored.get(r.cell!) ?? 0) + Number(r.n));
    expect(stored.get('T')).toBe(truth.get('T'));
    expect(truth.get('T')).toBe(400);
    // C records never enter; a recount gives exactly what the triggers kept.
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      [{ easting: CENTRE.e, northing: CENTRE.n, handlingCode: 'C', reportedOn: '2024-03-03' }],
      deps.newId,
    );
    expect(await areaRows(db, seed.partnershipId)).toEqual(rows);
    await sql`select published_cell_rebuild(${seed.partnershipId}::uuid)`.execute(db.kysely);
    expect(await areaRows(db, seed.partnershipId)).toEqual(rows);
  });

  it('recounts the districts when they are replaced, in the same transaction', async () => {
    const before = await areaRows(db, seed.partnershipId);
    const merged = [{ ...DISTRICTS[1]!, code: 'WT', name: 'West and Town', west: CENTRE.e - 9000 }];
    await replaceDistricts(db, seed.partnershipId, merged, deps.newId);
    const cells = new Set((await areaRows(db, seed.partnershipId)).map((r) => r.cell));
    expect([...cells]).toEqual(['WT']);
    await replaceDistricts(db, seed.partnershipId, DISTRICTS, deps.newId);
    expect(await areaRows(db, seed.partnershipId)).toEqual(before);
  });

  it('publishes every district of at least k within the bound, and nothing below k', async () => {
    const truth = await trueDistrictCounts(db, seed.partnershipId);
    // Area summaries are the chair's (viewers read the published map only).
    for (const role of ['chair']) {
      for (const { code, name } of DISTRICTS) {
        const res = await summary(role, code);
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          reports: { count?: number; suppressed?: boolean };
          district: { code: string; name: string };
          countsByMonth: { value: string; count: number }[];
          area: { type: string };
        };
        expect(body.district).toEqual({ code, name });
        expect(body.area.type).toBe('MultiPolygon');
        const n = truth.get(code) ?? 0;
        if (n >= 3) {
          expect(Math.abs(body.reports.count! - n), code).toBeLessThanOrEqual(2);
          // The month chart: every month holds about 33 of the town's reports.
          expect(body.countsByMonth).toHaveLength(12);
          for (const m of body.countsByMonth) expect(m.count).toBeGreaterThanOrEqual(3);
        } else {
          expect(body.reports).toEqual({ suppressed: true, fewerThan: 3 });
          expect(body.countsByMonth).toEqual([]);
        }
      }
    }
    // The analyst counts the records themselves, exactly, C records included.
    const analyst = (await (await summary('analyst', 'T')).json()) as { count: number };
    expect(analyst.count).toBe(
      (await trueDistrictCounts(db, seed.partnershipId, ['P', 'C'])).get('T'),
    );
  });

  it("gives every record migration 0012's district, on borders and 250 m square edges too", async () => {
    // Points where the squares that skip the point lookup (migration 0014) could go wrong: shared
    // borders (the first district by code wins), square edges and corners, a district's corner,
    // just either side of a border, and outside every district.
    const { e, n } = CENTRE;
    const points: readonly [number, number][] = [
      [e - 3000, n],
      [e + 3000, n],
      [e - 3000, n + 9000],
      [e - 9000, n - 9000],
      [e - 3000.000001, n + 250],
      [e - 2999.999999, n + 250],
      [e + 2999.999999, n - 250],
      [e + 3000.000001, n - 250],
      [e, n + 250],
      [e + 250, n + 250],
      [e + 250.5, n - 1000],
      [e - 8999.75, n + 8999.75],
      [e + 9000, n + 9000],
      [e + 9000.5, n],
      [e + 12_000, n + 250],
      [e - 1234.567, n + 4321.5],
    ];
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      points.map((_, i) => ({
        easting: e,
        northing: n,
        handlingCode: 'P',
        reportedOn: `2023-01-${String(i + 1).padStart(2, '0')}`,
      })),
      deps.newId,
    );
    // Exact coordinates (insertRecords derives them from WGS84), set by an update, which the
    // triggers count as a removal and an addition.
    for (const [i, [easting, northing]] of points.entries()) {
      await sql`update intelligence_record set easting = ${easting}, northing = ${northing}
        where partnership_id = ${seed.partnershipId}
          and reported_on = ${`2023-01-${String(i + 1).padStart(2, '0')}`}::date`.execute(
        db.kysely,
      );
    }
    const probed = await sql<{ code: string; n: string }>`
      select a.code, count(*)::text as n from intelligence_record r
      cross join lateral (
        select a.code from published_area_part a
        where a.partnership_id = r.partnership_id
          and ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(r.easting, r.northing), 27700))
        order by a.code limit 1) a
      where r.partnership_id = ${seed.partnershipId} and r.handling_code = 'P'
      group by a.code order by a.code`.execute(db.kysely);
    const kept = await sql<{ code: string; n: string }>`
      select cell as code, sum(n)::text as n from published_cell
      where partnership_id = ${seed.partnershipId} and lattice = ${AREA_LATTICE}
      group by cell order by cell`.execute(db.kysely);
    expect(kept.rows).toEqual(probed.rows);
    // The districts are drawn in WGS84, so their borders are not quite these BNG lines: the
    // check is the equality above; this one only shows the points reach into more than one
    // district and outside every district.
    const january = await sql<{ code: string; n: string }>`
      select cell as code, n::text as n from published_cell
      where partnership_id = ${seed.partnershipId} and lattice = ${AREA_LATTICE}
        and month = '2023-01-01' order by cell`.execute(db.kysely);
    expect(january.rows.length).toBeGreaterThan(1);
    const inside = january.rows.reduce((sum, r) => sum + Number(r.n), 0);
    expect(inside).toBeLessThan(points.length);
  });

  it('answers day ranges, unknown districts and source agencies as the published surface does', async () => {
    expect((await summary('chair', 'T', { from: '2024-01-05' })).status).toBe(422);
    expect((await summary('chair', 'T', { sourceAgency: ['POL'] })).status).toBe(422);
    expect((await summary('chair', 'NOPE')).status).toBe(404);
  });

  it('changes no byte of any district summary when one or two isolated records, or C records, are added', async () => {
    const everything = async () => {
      const out: string[] = [];
      for (const role of ['chair']) {
        for (const { code } of DISTRICTS) {
          for (const extra of [
            {},
            { category: ['concern-premises'] },
            { from: '2024-06-01', to: '2024-06-30' },
          ]) {
            const res = await summary(role, code, extra);
            out.push(`${res.status} ${await res.text()}`);
          }
        }
      }
      return out;
    };
    const before = await everything();
    const groups: CraftedRecord[][] = [
      [
        {
          easting: CENTRE.e + 7000,
          northing: CENTRE.n + 7000,
          handlingCode: 'P',
          reportedOn: '2024-06-10',
        },
      ],
      [
        {
          easting: CENTRE.e - 7000,
          northing: CENTRE.n + 7200,
          handlingCode: 'P',
          reportedOn: '2024-09-03',
        },
        {
          easting: CENTRE.e - 6996,
          northing: CENTRE.n + 7203,
          handlingCode: 'P',
          reportedOn: '2024-09-04',
        },
      ],
      [
        { easting: CENTRE.e, northing: CENTRE.n, handlingCode: 'C', reportedOn: '2024-06-05' },
        {
          easting: CENTRE.e + 10,
          northing: CENTRE.n + 5,
          handlingCode: 'C',
          reportedOn: '2024-06-06',
        },
      ],
    ];
    for (const group of groups) {
      await insertRecords(
        db,
        seed.partnershipId,
        seed.users.analyst.id,
        seed.agencies.POL!,
        group,
        deps.newId,
      );
      expect(await everything()).toEqual(before);
    }
  });
});
