import { compareClusterings, dbscan } from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { bngToLngLat } from '@hotspot/ingest';
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
import {
  type CraftedRecord,
  disclosureViolations,
  insertRecords,
  type StoredRecord,
  storedRecords,
} from '../disclosure/testing.ts';
import { postgisDbscan, randomPoints } from './postgis-dbscan.ts';

const CENTRE = { e: 383_000, n: 276_500 };

/** Reports around a few hot places plus a scatter, over 2024, some C-coded. */
function reports(): CraftedRecord[] {
  const pts = randomPoints(500, 11, [
    CENTRE.e - 4000,
    CENTRE.n - 4000,
    CENTRE.e + 4000,
    CENTRE.n + 4000,
  ]);
  return pts.map((p, i) => ({
    easting: p.x,
    northing: p.y,
    handlingCode: i % 13 === 0 ? 'C' : 'P',
    reportedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    category: i % 3 === 0 ? 'older-males-with-children' : 'concern-premises',
    summary: `Analysis fixture report ${i} text`,
  }));
}

const PERIOD = 'from=2024-01-01&to=2024-12-31';

describe.each(testDatabases())('analysis API on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let records: StoredRecord[];
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-01-15T09:00:00Z') }));
    seed = await seedPartnership(deps);
    const [w, s] = bngToLngLat(CENTRE.e - 5000, CENTRE.n - 5000);
    const [e, n] = bngToLngLat(CENTRE.e + 5000, CENTRE.n + 5000);
    await sql`update partnership set area = ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)) where id = ${seed.partnershipId}`.execute(
      db.kysely,
    );
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      reports(),
      deps.newId,
    );
    records = await storedRecords(db, seed.partnershipId);
    for (const role of ['analyst', 'chair', 'viewer', 'partner'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  const get = (role: string, path: string) => request(app, 'GET', path, { cookie: cookies[role] });

  it('runs DBSCAN for analysts, with member record ids', async () => {
    const analyst = await get(
      'analyst',
      `/api/analysis/dbscan?${PERIOD}&epsMeters=120&minPoints=4`,
    );
    expect(analyst.status).toBe(200);
    const a = (await analyst.json()) as {
      method: string;
      explanation: string;
      parameters: Record<string, unknown>;
      features: { properties: { recordIds: string[]; reports: number } }[];
    };
    expect(a.method).toBe('dbscan');
    expect(a.explanation).toMatch(/^[A-Z].*\.$/);
    expect(a.parameters).toMatchObject({
      epsMeters: 120,
      minPoints: 4,
      from: '2024-01-01',
      to: '2024-12-31',
    });
    expect(a.features.length).toBeGreaterThan(0);
    expect(a.features[0]!.properties.recordIds.length).toBe(a.features[0]!.properties.reports);
  });

  it('fills in defaults, honouring the partnership analysis defaults', async () => {
    await sql`update partnership set analysis_defaults = cast(${JSON.stringify({ epsMeters: 77, minPoints: 99999 })}::text as jsonb) where id = ${seed.partnershipId}`.execute(
      db.kysely,
    );
    const res = await get('analyst', `/api/analysis/dbscan?${PERIOD}`);
    const body = (await res.json()) as { parameters: Record<string, unknown> };
    // 77 is in range and used; 99999 is out of range and ignored for the built-in 5.
    expect(body.parameters).toMatchObject({ epsMeters: 77, minPoints: 5 });
    await sql`update partnership set analysis_defaults = '{}'::jsonb where id = ${seed.partnershipId}`.execute(
      db.kysely,
    );
  });

  it('refuses out-of-range parameters with a 422 naming the parameter', async () => {
    for (const [path, pointer] of [
      ['/api/analysis/dbscan?epsMeters=0', '/query/epsMeters'],
      ['/api/analysis/dbscan?minPoints=2.5', '/query/minPoints'],
      ['/api/analysis/gistar?sizeMeters=99999', '/query/sizeMeters'],
      ['/api/analysis/density?bandwidthMeters=abc', '/query/bandwidthMeters'],
      ['/api/analysis/repeats?radiusMeters=-1', '/query/radiusMeters'],
      ['/api/analysis/emerging?slice=year', '/query/slice'],
      ['/api/analysis/dbscan?sourceGrade=4', '/query/sourceGrade/0'],
    ] as const) {
      const res = await get('analyst', path);
      expect(res.status, path).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as { errors: { pointer: string }[] };
      expect(
        problem.errors.map((e) => e.pointer),
        path,
      ).toContain(pointer);
    }
  });

  it('turns an analysis refusal (fewer than 30 cells) into a 422 with its code and message', async () => {
    const res = await get('analyst', '/api/analysis/gistar?from=2024-03-03&to=2024-03-03');
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('TOO_FEW_CELLS');
    expect(problem.detail).toMatch(/at least 30 hexagons/);
  });

  it('keeps free analysis (any method, parameters, days) for analysts: chairs, viewers and partners are refused', async () => {
    for (const path of [
      `/api/analysis/dbscan?${PERIOD}&epsMeters=50&minPoints=2`,
      `/api/analysis/gistar?${PERIOD}&sizeMeters=250&distanceMeters=300`,
      `/api/analysis/density?${PERIOD}&bandwidthMeters=100`,
      `/api/analysis/repeats?${PERIOD}&radiusMeters=60&minReports=3`,
    ]) {
      for (const role of ['chair', 'viewer', 'partner']) {
        const res = await get(role, path);
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(disclosureViolations(await res.text(), records, 3)).toEqual([]);
      }
      expect([200, 422], path).toContain((await get('analyst', path)).status);
    }
    // Emerging hot spots: chairs and viewers get the published table's analysis (published
    // sizes, whole months; published-emerging.test.ts), partners nothing, free parameters 422.
    const emerging = `/api/analysis/emerging?${PERIOD}&sizeMeters=500`;
    for (const role of ['chair', 'viewer']) {
      const res = await get(role, emerging);
      expect([200, 422], role).toContain(res.status);
      expect(disclosureViolations(await res.text(), records, 3)).toEqual([]);
      expect((await get(role, `${emerging}&distanceMeters=900`)).status).toBe(422);
    }
    expect((await get('partner', emerging)).status).toBe(403);
  });

  it('summarises an area: full detail for analysts, suppressed and rounded for chairs', async () => {
    const ring = [
      [CENTRE.e - 4000, CENTRE.n - 4000],
      [CENTRE.e + 4000, CENTRE.n - 4000],
      [CENTRE.e + 4000, CENTRE.n + 4000],
      [CENTRE.e - 4000, CENTRE.n + 4000],
      [CENTRE.e - 4000, CENTRE.n - 4000],
    ].map(([x, y]) => bngToLngLat(x!, y!));
    const json = {
      from: '2024-01-01',
      to: '2024-12-31',
      area: { type: 'Polygon', coordinates: [ring] },
    };
    const analyst = (await (
      await request(app, 'POST', '/api/analysis/summary', { cookie: cookies.analyst, json })
    ).json()) as { count: number };
    expect(analyst.count).toBeGreaterThan(450);
    expect(analyst.count).toBeLessThanOrEqual(records.length);
    const analystPublic = (await (
      await request(app, 'POST', '/api/analysis/summary', {
        cookie: cookies.analyst,
        json: { ...json, handlingCode: ['P'] },
      })
    ).json()) as { count: number };
    expect(analystPublic.count).toBeLessThan(analyst.count);
    const res = await request(app, 'POST', '/api/analysis/summary', {
      cookie: cookies.chair,
      json,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(disclosureViolations(text, records, 3)).toEqual([]);
    const chair = JSON.parse(text) as {
      reports: { count: number };
      countsByMonth: { value: string; count: number }[];
      topCategories: { value: string; count: number }[];
      area: { type: string };
    };
    // From the published table: the finest lattice's cells the area touches (a little more than
    // the square), C records left out, within the bound; breakdowns list published entries only.
    expect(chair.reports.count).toBeGreaterThanOrEqual(analystPublic.count - 2);
    expect(chair.area.type).toMatch(/Polygon$/);
    for (const e of [...chair.countsByMonth, ...chair.topCategories]) {
      expect(e.count).toBeGreaterThanOrEqual(3);
    }
    expect(text).not.toMatch(/suppressed|sourceAgencies/);
    // Only the published surface: a day range and a cluster are refused, naming the fields.
    const days = await request(app, 'POST', '/api/analysis/summary', {
      cookie: cookies.chair,
      json: { ...json, from: '2024-01-02' },
    });
    expect(days.status).toBe(422);
    expect(await days.text()).toContain('/body/from');
    const huge = await request(app, 'POST', '/api/analysis/summary', {
      cookie: cookies.chair,
      json: {
        ...json,
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [-10, 40],
              [20, 40],
              [20, 60],
              [-10, 60],
              [-10, 40],
            ],
          ],
        },
      },
    });
    expect(huge.status).toBe(422);
    expect(await huge.text()).toMatch(/too large for the published map/);
    const audited = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'query'])
      .where('action', '=', 'analysis.summary')
      .execute();
    expect(audited.map((e) => e.category).sort()).toEqual([
      'consultation',
      'consultation',
      'disclosure',
    ]);
    expect(JSON.stringify(audited)).not.toMatch(/-2\.\d{4}/);
  });

  it('clusters 10,000 random points like PostGIS ST_ClusterDBSCAN (core exactly, border within eps)', async () => {
    const points = randomPoints(10_000, 42, [375_000, 255_000, 385_000, 265_000]);
    for (const [eps, minPoints] of [
      [50, 4],
      [120, 10],
    ] as const) {
      const ours = dbscan(points, { epsMeters: eps, minPoints });
      const theirs = await postgisDbscan(db, points, eps, minPoints);
      const comparison = compareClusterings(ours, theirs, points, eps);
      expect(comparison.coreMismatches).toEqual([]);
      expect(comparison.borderMismatches).toEqual([]);
      expect(comparison.noiseMismatches).toEqual([]);
      expect(comparison.equivalent).toBe(true);
      expect(ours.clusters.length).toBeGreaterThan(5);
    }
  }, 120_000);
});
