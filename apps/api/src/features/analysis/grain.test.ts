import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
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
import { recordBatchGrain } from '../batches/index.ts';
import { type CraftedRecord, insertRecords } from '../disclosure/testing.ts';
import { randomPoints } from './postgis-dbscan.ts';
import { setBoxArea } from './testing.ts';

const CENTRE = { e: 383_000, n: 276_500 };
const BOX = [CENTRE.e - 4000, CENTRE.n - 4000, CENTRE.e + 4000, CENTRE.n + 4000] as const;

/** Day-dated intelligence on distinct points across 2024. */
const dayDated = (): CraftedRecord[] =>
  randomPoints(300, 7, BOX).map((p, i) => ({
    easting: p.x,
    northing: p.y,
    handlingCode: 'P',
    reportedOn: new Date(Date.UTC(2024, 0, 1 + (i % 366))).toISOString().slice(0, 10),
  }));

/** police.uk-like: 120 crimes on 6 map points, each dated the first of its month. */
const monthDatedSnapped = (): CraftedRecord[] =>
  Array.from({ length: 120 }, (_, i) => ({
    easting: CENTRE.e + 300 * (i % 6),
    northing: CENTRE.n - 200 * (i % 6),
    handlingCode: 'P',
    reportedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-01`,
  }));

describe.each(testDatabases())('data grain on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  const batches: Record<'day' | 'snapped', string> = { day: '', snapped: '' };
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-01-15T09:00:00Z') }));
    seed = await seedPartnership(deps);
    await setBoxArea(db, seed.partnershipId, CENTRE, 5000);
    for (const [key, records] of [
      ['day', dayDated()],
      ['snapped', monthDatedSnapped()],
    ] as const) {
      const before = new Set(
        (await db.kysely.selectFrom('batch').select('id').execute()).map((b) => b.id),
      );
      await insertRecords(
        db,
        seed.partnershipId,
        seed.users.analyst.id,
        seed.agencies.POL!,
        records,
        deps.newId,
      );
      const id = (await db.kysely.selectFrom('batch').select('id').execute())
        .map((b) => b.id)
        .find((b) => !before.has(b))!;
      batches[key] = id;
      // As a police.uk upload is stored; then the rule commit applies.
      if (key === 'snapped') {
        await db.kysely
          .updateTable('batch')
          .set({ profile: 'police-uk' })
          .where('id', '=', id)
          .execute();
      }
      await recordBatchGrain(db.kysely, id);
    }
    cookies.analyst = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
  }, 180_000);
  afterAll(async () => {
    await db.close();
  });

  const get = (path: string) => request(app, 'GET', path, { cookie: cookies.analyst });
  const problem = async (res: Response) =>
    (await res.json()) as { detail: string; errors: { pointer: string; detail: string }[] };

  it('records each batch’s date precision and whether its locations are snapped', async () => {
    const rows = await db.kysely
      .selectFrom('batch')
      .select(['id', 'date_precision', 'locations_snapped'])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(batches.day)).toMatchObject({
      date_precision: 'day',
      locations_snapped: false,
    });
    expect(byId.get(batches.snapped)).toMatchObject({
      date_precision: 'month',
      locations_snapped: true,
    });
  });

  it('refuses weekly slices over month-dated reports, and accepts them once filtered out', async () => {
    const weekly = await get('/api/analysis/emerging?from=2024-01-01&to=2024-12-31&slice=week');
    expect(weekly.status).toBe(422);
    const p = await problem(weekly);
    expect(p.errors.map((e) => e.pointer)).toEqual(['/query/slice']);
    expect(p.detail).toMatch(/dated only to the month/);
    const dayOnly = await get(
      '/api/analysis/emerging?from=2024-01-01&to=2024-12-31&slice=week&profile=native-csv',
    );
    if (dayOnly.status !== 200) {
      expect((await problem(dayOnly)).errors?.map((e) => e.pointer) ?? []).not.toContain(
        '/query/slice',
      );
    }
    const byBatch = await get(
      `/api/analysis/emerging?from=2024-01-01&to=2024-12-31&slice=week&batchId=${batches.day}`,
    );
    if (byBatch.status !== 200) {
      expect((await problem(byBatch)).errors?.map((e) => e.pointer) ?? []).not.toContain(
        '/query/slice',
      );
    }
  });

  it('needs at least 10 time slices for emerging hot spots, and says so', async () => {
    const res = await get('/api/analysis/emerging?from=2024-01-01&to=2024-06-30&slice=month');
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(p.errors.map((e) => e.pointer)).toEqual(['/query/from']);
    expect(p.detail).toMatch(/at least 10 time slices, as ArcGIS requires.*covers 6 months/);
  });

  it('says repeat locations on snapped data are snap points, and filters by batch and profile', async () => {
    const all = (await (
      await get('/api/analysis/repeats?from=2024-01-01&to=2024-12-31')
    ).json()) as { note?: string; reportsInPeriod: number };
    expect(all.note).toMatch(/snap point .* not a premises/);
    expect(all.reportsInPeriod).toBe(420);
    const day = (await (
      await get(`/api/analysis/repeats?from=2024-01-01&to=2024-12-31&batchId=${batches.day}`)
    ).json()) as { note?: string; reportsInPeriod: number };
    expect(day.note).toBeUndefined();
    expect(day.reportsInPeriod).toBe(300);
    const police = (await (
      await get('/api/analysis/repeats?from=2024-01-01&to=2024-12-31&profile=police-uk')
    ).json()) as { note?: string; reportsInPeriod: number };
    expect(police.reportsInPeriod).toBe(120);
    const bad = await get('/api/analysis/repeats?profile=excel');
    expect(bad.status).toBe(422);
    expect((await problem(bad)).errors.map((e) => e.pointer)).toContain('/query/profile/0');
  });
});
