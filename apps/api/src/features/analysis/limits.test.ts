import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { bngToLngLat } from '@hotspot/ingest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeComputePools } from '../../compute/pool.ts';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  type TestApp,
  type TestClock,
} from '../../testing/fixtures.ts';
import { insertRecords } from '../disclosure/testing.ts';
import { randomPoints } from './postgis-dbscan.ts';

// Issue 16 through the routes: a worker out of memory costs its request a 503 problem, not the
// API; analyses and heavy layer statistics are rate-limited per user (429 with Retry-After).
const WEST = 380_000;
const SOUTH = 250_000;
const SIDE = 40_000;

describe.each(testDatabases())('analysis limits on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let clock: TestClock;
  let seed: SeededPartnership;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    clock = createTestClock('2025-01-15T09:00:00Z');
    ({ app, deps } = createTestApp(db, {
      clock,
      env: { COMPUTE_MEMORY_MB: '64', ANALYSIS_RATE_BURST: '3', ANALYSIS_RATE_PER_MINUTE: '6' },
    }));
    seed = await seedPartnership(deps);
    const [w, s] = bngToLngLat(WEST, SOUTH);
    const [e, n] = bngToLngLat(WEST + SIDE, SOUTH + SIDE);
    await sql`update partnership set area = ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)) where id = ${seed.partnershipId}`.execute(
      db.kysely,
    );
    const points = randomPoints(600, 5, [WEST, SOUTH, WEST + SIDE, SOUTH + SIDE]);
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      points.map((p, i) => ({
        easting: p.x,
        northing: p.y,
        handlingCode: 'P',
        reportedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-15`,
      })),
      deps.newId,
    );
    for (const role of ['analyst', 'chair', 'viewer'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  });
  afterAll(async () => {
    await closeComputePools();
    await db.close();
  });

  const get = (role: string, path: string) => request(app, 'GET', path, { cookie: cookies[role] });

  it('answers 503 problem+json when the worker runs out of memory, and keeps serving', async () => {
    // 200 m hexagons by month over 1,600 km², about 30 neighbours each (a 600 m band): within
    // the ceilings, far beyond a 64 MB worker.
    const oom = await get(
      'analyst',
      '/api/analysis/emerging?from=2024-01-01&to=2024-12-31&sizeMeters=200&slice=month&distanceMeters=600',
    );
    expect(oom.status).toBe(503);
    expect(oom.headers.get('content-type')).toBe('application/problem+json');
    expect(await oom.json()).toMatchObject({
      type: 'urn:problem:computation-out-of-memory',
      status: 503,
      limitMb: 64,
    });
    expect((await request(app, 'GET', '/api/health')).status).toBe(200);
    // The pool replaced the worker.
    const small = await get('analyst', '/api/analysis/repeats?from=2024-01-01&to=2024-12-31');
    expect(small.status).toBe(200);
  });

  it("limits each user's analyses and heavy layer statistics: 429 with Retry-After, by the clock", async () => {
    const gistar =
      '/api/layers/hexagons?statistic=gistar&sizeMeters=2000&from=2024-01-01&to=2024-12-31';
    // A full bucket: the test before took two of the analyst's tokens.
    clock.advance(60_000);
    // Plain counts are not rate-limited.
    for (let k = 0; k < 5; k++) {
      expect((await get('analyst', '/api/layers/hexagons?sizeMeters=2000')).status).toBe(200);
    }
    for (let k = 0; k < 3; k++) expect((await get('analyst', gistar)).status).not.toBe(429);
    const limited = await get('analyst', gistar);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(await limited.json()).toMatchObject({
      type: 'urn:problem:too-many-requests',
      retryAfterSeconds: 10,
    });
    // The same bucket covers the exports of a heavy layer.
    expect(
      (await get('analyst', '/api/export/layer.csv?layer=density&from=2024-01-01')).status,
    ).toBe(429);
    // A viewer's Gi* on the published lattice is a table lookup, never limited, and another user
    // anyway.
    expect(
      (await get('viewer', '/api/layers/hexagons?statistic=gistar&sizeMeters=250')).status,
    ).toBe(200);
    clock.advance(10_000);
    expect((await get('analyst', gistar)).status).not.toBe(429);
    expect((await get('analyst', gistar)).status).toBe(429);
  });
});
