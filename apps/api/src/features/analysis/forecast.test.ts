import { hexIndexAt } from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { lngLatToBng } from '@hotspot/ingest';
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
  hexLattice,
  publicationSettings,
  publishedValue,
  trueCellMonths,
} from '../disclosure/index.ts';
import { type CraftedRecord, insertRecords } from '../disclosure/testing.ts';
import { randomPoints } from './postgis-dbscan.ts';
import { setBoxArea } from './testing.ts';

const CENTRE = { e: 383_000, n: 276_500 };
const SIZE = 250;

/**
 * Reports at the centres of 250 m squares (so the stored BNG, derived by PostGIS from rounded
 * WGS84, stays in the same square): three busy places reported every month of 2024, one place
 * that only starts in April, and a scatter. Every 11th record is C-coded (analysts see it).
 */
function reports(): CraftedRecord[] {
  const centre = (x: number, y: number) => ({
    easting: (Math.floor(x / SIZE) + 0.5) * SIZE,
    northing: (Math.floor(y / SIZE) + 0.5) * SIZE,
  });
  const out: CraftedRecord[] = [];
  const add = (x: number, y: number, month: number, n: number) => {
    for (let k = 0; k < n; k++) {
      out.push({
        ...centre(x, y),
        handlingCode: out.length % 11 === 0 ? 'C' : 'P',
        reportedOn: `2024-${String(month).padStart(2, '0')}-${String(1 + (k % 28)).padStart(2, '0')}`,
        category: 'concern-premises',
        summary: `Forecast fixture report ${out.length}`,
      });
    }
  };
  for (let month = 1; month <= 6; month++) {
    add(CENTRE.e, CENTRE.n, month, 8);
    add(CENTRE.e + 1500, CENTRE.n - 700, month, 5);
    add(CENTRE.e - 2200, CENTRE.n + 1800, month, 3);
    if (month >= 4) add(CENTRE.e + 3000, CENTRE.n + 3000, month, 4);
    const scatter = randomPoints(12, month, [
      CENTRE.e - 4000,
      CENTRE.n - 4000,
      CENTRE.e + 4000,
      CENTRE.n + 4000,
    ]);
    for (const p of scatter) add(p.x, p.y, month, 1);
  }
  return out;
}

type Cell = { rank: number; score: number; cell: string };

describe.each(testDatabases())('forecast and backtest API on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  const crafted = reports();
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2024-07-15T09:00:00Z') }));
    seed = await seedPartnership(deps);
    await setBoxArea(db, seed.partnershipId, CENTRE, 5000);
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      crafted,
      deps.newId,
    );
    for (const role of ['analyst', 'chair', 'viewer', 'partner'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  }, 180_000);
  afterAll(async () => {
    await db.close();
  });

  const get = (role: string, path: string) => request(app, 'GET', path, { cookie: cookies[role] });

  /** Naive prior counts by hand: reports per 250 m square in the months, as "i:j" -> count. */
  const countsIn = (months: readonly number[]) => {
    const counts = new Map<string, number>();
    for (const r of crafted) {
      if (!months.includes(Number(r.reportedOn.slice(5, 7)))) continue;
      const key = `${Math.floor(r.easting / SIZE)}:${Math.floor(r.northing / SIZE)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };

  it('forecasts April from Jan-Mar: ranked WGS84 squares, parameters and area share echoed', async () => {
    const res = await get(
      'analyst',
      `/api/analysis/forecast?from=2024-01&to=2024-03&coverage=0.01&method=naive&sizeMeters=${SIZE}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/geo+json');
    const body = (await res.json()) as {
      type: string;
      method: string;
      methodChosenBy: string;
      parameters: Record<string, unknown>;
      areaFraction: number;
      cellsFlagged: number;
      cellsInArea: number;
      features: {
        geometry: { type: string; coordinates: number[][][] };
        properties: Cell;
      }[];
    };
    expect(body.type).toBe('FeatureCollection');
    expect(body).toMatchObject({ method: 'naive', methodChosenBy: 'request' });
    expect(body.parameters).toMatchObject({
      from: '2024-01',
      to: '2024-03',
      forecastMonth: '2024-04',
      coverage: 0.01,
      sizeMeters: SIZE,
      method: 'naive',
    });
    // A 10 km box in 250 m squares: about 1,600 cells; 1 % is at most 16 of them.
    expect(body.cellsInArea).toBeGreaterThan(1500);
    expect(body.cellsFlagged).toBeLessThanOrEqual(Math.floor(body.cellsInArea * 0.01));
    expect(body.areaFraction).toBeCloseTo(body.cellsFlagged / body.cellsInArea, 12);
    // Naive scores are the Jan-Mar counts, highest first; ranks 1..n.
    const hand = countsIn([1, 2, 3]);
    const top = [...hand.values()].sort((a, b) => b - a).slice(0, body.cellsFlagged);
    expect(body.features.map((f) => f.properties.score)).toEqual(top);
    expect(body.features.map((f) => f.properties.rank)).toEqual(top.map((_, k) => k + 1));
    for (const f of body.features) {
      expect(hand.get(f.properties.cell)).toBe(f.properties.score);
      expect(f.geometry.type).toBe('Polygon');
      const [lng, lat] = f.geometry.coordinates[0]![0]!;
      expect(lng).toBeGreaterThan(-3);
      expect(lat).toBeGreaterThan(51);
      // The first corner is the square's south-west corner.
      const [x, y] = lngLatToBng(lng!, lat!);
      expect(`${Math.round(x / SIZE)}:${Math.round(y / SIZE)}`).toBe(f.properties.cell);
    }
  });

  it('keeps the default’s backtest until the data change, and says which data it rests on', async () => {
    type Tuned = {
      method: string;
      parameters: { blendWeight: number };
      tuning: { dataVersion: string; reused: boolean } | null;
    };
    const path = '/api/analysis/forecast?from=2024-01&to=2024-05&coverage=0.02&sizeMeters=250';
    const first = (await (await get('analyst', path)).json()) as Tuned;
    expect(first.tuning).toMatchObject({ reused: false });
    // Another analysis's default moves the layer state (the body is made again) but not the
    // records: the choice is reused.
    await sql`update partnership set analysis_defaults = '{"bandwidthMeters": 300}'::jsonb
      where id = ${seed.partnershipId}`.execute(db.kysely);
    const second = (await (await get('analyst', path)).json()) as Tuned;
    expect(second.tuning).toEqual({ dataVersion: first.tuning!.dataVersion, reused: true });
    expect(second.method).toBe(first.method);
    expect(second.parameters.blendWeight).toBe(first.parameters.blendWeight);
    // A batch commit moves the data version (batches.commands.ts): the backtest is run again.
    await sql`update partnership set data_version = data_version + 1, analysis_defaults = '{}'::jsonb
      where id = ${seed.partnershipId}`.execute(db.kysely);
    const third = (await (await get('analyst', path)).json()) as Tuned;
    expect(third.tuning?.reused).toBe(false);
    expect(BigInt(third.tuning!.dataVersion)).toBeGreaterThan(BigInt(first.tuning!.dataVersion));
    // A named method other than the blend is not tuned.
    const named = (await (await get('analyst', `${path}&method=naive`)).json()) as Tuned;
    expect(named.tuning).toBeNull();
  });

  it('picks the default method by a backtest of the training months, or the partnership setting', async () => {
    const chosen = (await (
      await get('analyst', '/api/analysis/forecast?from=2024-01&to=2024-06&sizeMeters=250')
    ).json()) as { method: string; methodChosenBy: string };
    expect(chosen.methodChosenBy).toMatch(/^backtest/);
    const backtest = (await (
      await get(
        'analyst',
        '/api/analysis/backtest?from=2024-01&to=2024-06&coverages=0.05&sizeMeters=250',
      )
    ).json()) as { bestMethod: string };
    expect(chosen.method).toBe(backtest.bestMethod);

    const put = await request(app, 'PUT', '/api/analysis/forecast/default-method', {
      cookie: cookies.analyst,
      json: { method: 'recency' },
    });
    expect(put.status).toBe(200);
    const set = (await (
      await get('analyst', '/api/analysis/forecast?from=2024-01&to=2024-06&sizeMeters=250')
    ).json()) as { method: string; methodChosenBy: string };
    expect(set).toMatchObject({ method: 'recency', methodChosenBy: 'partnership setting' });
    const chair = await request(app, 'PUT', '/api/analysis/forecast/default-method', {
      cookie: cookies.chair,
      json: { method: 'naive' },
    });
    expect(chair.status).toBe(403);
    const audited = await db.kysely
      .selectFrom('audit_event')
      .select(['action', 'category'])
      .where('action', 'in', ['analysis.forecast', 'analysis.forecast.default-method'])
      .execute();
    expect(audited.map((a) => `${a.action} ${a.category}`)).toEqual(
      expect.arrayContaining([
        'analysis.forecast consultation',
        'analysis.forecast.default-method alteration',
      ]),
    );
  });

  it('backtests month by month with naive counts beside every row and a summary for the pack', async () => {
    const res = await get(
      'analyst',
      `/api/analysis/backtest?from=2024-01&to=2024-06&coverages=0.01,0.05&methods=prospective&sizeMeters=${SIZE}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      bestMethod: string;
      summary: string;
      cellsInArea: number;
      rows: {
        method: string;
        testMonth: string;
        trainFrom: string;
        trainTo: string;
        coverage: number;
        hitRate: number;
        pai: number | null;
        pei: number | null;
        hits: number;
        reports: number;
        naive: { hitRate: number; pai: number | null; pei: number | null; hits: number };
      }[];
    };
    // 5 test months x (naive, prospective) x 2 coverages.
    expect(body.rows).toHaveLength(20);
    expect(new Set(body.rows.map((r) => r.testMonth))).toEqual(
      new Set(['2024-02', '2024-03', '2024-04', '2024-05', '2024-06']),
    );
    for (const r of body.rows) {
      expect(r.trainFrom).toBe('2024-01');
      if (r.method === 'naive') expect(r.hits).toBe(r.naive.hits);
      expect(r.pei === null || (r.pei >= 0 && r.pei <= 1)).toBe(true);
    }
    // Naive for April at 1 %, by hand: the Jan-Mar busiest squares, as many as 1 % allows.
    const take = Math.floor(body.cellsInArea * 0.01);
    const prior = countsIn([1, 2, 3]);
    const april = countsIn([4]);
    // Ties in the order the package documents: row (northing), then column, from the south-west.
    const ij = (key: string) => key.split(':').map(Number) as [number, number];
    const flagged = [...prior.entries()]
      .sort((a, b) => b[1] - a[1] || ij(a[0])[1] - ij(b[0])[1] || ij(a[0])[0] - ij(b[0])[0])
      .slice(0, take);
    const hits = flagged.reduce((s, [key]) => s + (april.get(key) ?? 0), 0);
    const reportsInApril = [...april.values()].reduce((s, n) => s + n, 0);
    const row = body.rows.find(
      (r) => r.method === 'naive' && r.testMonth === '2024-04' && r.coverage === 0.01,
    )!;
    expect(row.reports).toBe(reportsInApril);
    expect(row.hits).toBe(hits);
    expect(row.hitRate).toBeCloseTo(hits / reportsInApril, 4);
    expect(row.pai!).toBeCloseTo(hits / reportsInApril / (flagged.length / body.cellsInArea), 2);
    expect(['naive', 'prospective']).toContain(body.bestMethod);
    expect(body.summary).toMatch(
      /^Last 5 months: .*top 5 % of the area held \d+ % of reports(; naive prior counts \d+ %)?\.$/,
    );
  });

  it('serves a DBSCAN cluster whose members share one map point as a buffered point', async () => {
    // January's 8 reports at the centre all sit on one point.
    const res = await get(
      'analyst',
      '/api/analysis/dbscan?from=2024-01-01&to=2024-01-31&epsMeters=10&minPoints=5',
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      features: { geometry: { coordinates: number[][][] }; properties: { reports: number } }[];
    };
    // Every crafted report sits on a square's centre, so every cluster here is one point.
    expect(body.features.length).toBeGreaterThan(0);
    for (const f of body.features) {
      const ring = f.geometry.coordinates[0]!.map(([lng, lat]) => lngLatToBng(lng!, lat!));
      const cx = ring.slice(1).reduce((s, [x]) => s + x!, 0) / (ring.length - 1);
      const cy = ring.slice(1).reduce((s, [, y]) => s + y!, 0) / (ring.length - 1);
      expect((Math.floor(cx / SIZE) + 0.5) * SIZE).toBeCloseTo(cx, 0);
      for (const [x, y] of ring) expect(Math.hypot(x! - cx, y! - cy)).toBeCloseTo(50, 0);
    }
  });

  it('forecasts for chairs and viewers from the published table only, on published hexagons', async () => {
    const path = '/api/analysis/forecast?from=2024-01&to=2024-03&method=naive&coverage=0.05';
    const { table } = await publicationSettings(db, seed.partnershipId);
    // Naive prior counts by hand from the published values: each 250 m hexagon's published value
    // in each month (fewer than k as zero), summed over January to March.
    const expected = new Map<string, number>();
    for (const row of await trueCellMonths(
      db,
      seed.partnershipId,
      hexLattice(250),
      { from: '2024-01-01', to: '2024-03-01' },
      { category: [], placeType: [], sourceGrade: [], intelligenceGrade: [] },
    )) {
      const value = publishedValue(row.n, row.keySum, table, 3) ?? 0;
      expected.set(row.cell, (expected.get(row.cell) ?? 0) + value);
    }
    const busiest = [...expected].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    // The busiest place's reports sit at the centre of the 250 m square holding CENTRE.
    const { i, j } = hexIndexAt(
      (Math.floor(CENTRE.e / SIZE) + 0.5) * SIZE,
      (Math.floor(CENTRE.n / SIZE) + 0.5) * SIZE,
      250,
    );
    expect(busiest[0]![0]).toBe(`${i}:${j}`);
    let viewerBody = '';
    for (const role of ['chair', 'viewer']) {
      const res = await get(role, path);
      expect(res.status, role).toBe(200);
      const text = await res.text();
      if (role === 'viewer') viewerBody = text;
      const body = JSON.parse(text) as {
        method: string;
        parameters: Record<string, unknown>;
        features: { properties: Cell; geometry: { coordinates: number[][][] } }[];
      };
      expect(body.method).toBe('naive');
      expect(body.parameters).toMatchObject({ sizeMeters: 250, forecastMonth: '2024-04' });
      // Highest first, each score the hand-summed published values (ties in lattice order).
      const got = body.features.map((f) => [f.properties.cell, f.properties.score] as const);
      expect(got[0]).toEqual(busiest[0]);
      for (const [cell, score] of got) expect(score, cell).toBe(expected.get(cell));
      expect(got.map(([, v]) => v)).toEqual(busiest.slice(0, got.length).map(([, v]) => v));
      expect(got.length).toBeGreaterThanOrEqual(3);
      // Whole hexagons: six corners and the closing one.
      for (const f of body.features) expect(f.geometry.coordinates[0]).toHaveLength(7);
      expect(text).not.toMatch(/reportsUsed|Forecast fixture/);
    }
    // The same for every non-analyst: the chair's bytes are the viewer's.
    expect(await (await get('chair', path)).text()).toBe(viewerBody);
    for (const [role, refusedPath] of [
      ['partner', path],
      ['chair', '/api/analysis/backtest?from=2024-01&to=2024-03'],
      ['viewer', '/api/analysis/backtest?from=2024-01&to=2024-03'],
    ] as const) {
      expect((await get(role, refusedPath)).status, `${role} ${refusedPath}`).toBe(403);
    }
  });

  it('answers non-analysts only on the published surface, naming the allowed values', async () => {
    for (const [query, pointer, allowed] of [
      ['&method=prospective', '/query/method', 'naive, recency'],
      ['&coverage=0.07', '/query/coverage', '0.01, 0.05, 0.1, 0.2'],
      ['&sizeMeters=300', '/query/sizeMeters', '250, 500, 1000'],
      ['&sourceAgency=POL', '/query/sourceAgency', 'category'],
      ['&handlingCode=C', '/query/handlingCode', 'category'],
    ] as const) {
      const res = await get('chair', `/api/analysis/forecast?from=2024-01&to=2024-03${query}`);
      expect(res.status, query).toBe(422);
      const problem = (await res.json()) as { errors: { pointer: string; detail: string }[] };
      const error = problem.errors.find((e) => e.pointer === pointer);
      expect(error?.detail, query).toContain(allowed);
    }
    const chosen = await get('viewer', '/api/analysis/forecast?from=2024-01&to=2024-06');
    expect(chosen.status).toBe(200);
    const body = (await chosen.json()) as { method: string; methodChosenBy: string };
    expect(['naive', 'recency']).toContain(body.method);
    // The partnership's setting (set by an earlier test) when it is count-based, else a backtest.
    expect(body.methodChosenBy).toMatch(/published values|partnership setting/);
  });

  it('refuses bad parameters with a 422 naming the field, and work past the cost ceiling', async () => {
    for (const [path, pointer] of [
      ['/api/analysis/forecast?from=2024-01&to=2024-03&coverage=0.5', '/query/coverage'],
      ['/api/analysis/forecast?from=2024-13&to=2024-03', '/query/from'],
      ['/api/analysis/forecast?from=2024-04&to=2024-03', '/query/to'],
      ['/api/analysis/forecast?from=2024-01&to=2024-03&method=kde', '/query/method'],
      ['/api/analysis/forecast?from=2024-01&to=2024-03&sizeMeters=10', '/query/sizeMeters'],
      ['/api/analysis/forecast?to=2024-03', '/query/from'],
      ['/api/analysis/backtest?from=2024-01&to=2024-03&coverages=0.05,0.3', '/query/coverages/1'],
      ['/api/analysis/backtest?from=2024-01&to=2024-03&methods=naive,gistar', '/query/methods/1'],
      ['/api/analysis/backtest?from=2024-03&to=2024-03', '/query/to'],
      // 25 m squares over the 10 km box for 12 years: about 160,000 cells x 144 months.
      ['/api/analysis/backtest?from=2013-01&to=2024-12&sizeMeters=25', '/query/sizeMeters'],
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
});
