import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { square } from './setup/test-support.ts';

const wards = (codes: string[]) => ({
  type: 'FeatureCollection',
  features: codes.map((code, i) => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: square(-2.25 + i * 0.02, 52.38) },
    properties: { code, name: `Ward ${code}` },
  })),
});

describe.each(testDatabases())('admin boundary replacement on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let seed: SeededPartnership;
  let admin: string;

  beforeAll(async () => {
    db = await target.open();
    const created = createTestApp(db);
    app = created.app;
    seed = await seedPartnership(created.deps);
    admin = await signIn(app, seed.users.admin.email, seed.users.admin.password);
  });
  afterAll(async () => {
    await db.close();
  });

  it('replaces the whole ward set in one go, audited, and serves it', async () => {
    const first = await request(app, 'POST', '/api/admin/boundaries?kind=ward', {
      cookie: admin,
      json: wards(['E1', 'E2', 'E3']),
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ kind: 'ward', replaced: 0, loaded: 3 });
    const second = await request(app, 'POST', '/api/admin/boundaries?kind=ward', {
      cookie: admin,
      json: wards(['N1', 'N2']),
    });
    expect(await second.json()).toEqual({ kind: 'ward', replaced: 3, loaded: 2 });
    const served = (await (
      await request(app, 'GET', '/api/boundaries?kind=ward', { cookie: admin })
    ).json()) as {
      features: { properties: { code: string } }[];
    };
    expect(served.features.map((f) => f.properties.code)).toEqual(['N1', 'N2']);
    const events = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'object_id'])
      .where('action', '=', 'boundaries.replace')
      .execute();
    expect(events).toEqual([
      { category: 'admin', object_id: 'ward' },
      { category: 'admin', object_id: 'ward' },
    ]);
  });

  it('refuses duplicate codes, open rings and missing names with 422 and leaves the set alone', async () => {
    const bad = wards(['A', 'A']);
    const dup = await request(app, 'POST', '/api/admin/boundaries?kind=district', {
      cookie: admin,
      json: bad,
    });
    expect(dup.status).toBe(422);
    const open = wards(['B']);
    (open.features[0]!.geometry.coordinates[0] as number[][]).pop();
    const openRes = await request(app, 'POST', '/api/admin/boundaries?kind=district', {
      cookie: admin,
      json: open,
    });
    expect(openRes.status).toBe(422);
    const noName = {
      type: 'FeatureCollection',
      features: [{ ...wards(['C']).features[0], properties: { code: 'C' } }],
    };
    const noNameRes = await request(app, 'POST', '/api/admin/boundaries?kind=district', {
      cookie: admin,
      json: noName,
    });
    expect(noNameRes.status).toBe(422);
    expect(((await noNameRes.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe(
      '/body/features/0/properties/name',
    );
    const served = (await (
      await request(app, 'GET', '/api/boundaries?kind=district', { cookie: admin })
    ).json()) as { features: unknown[] };
    expect(served.features).toEqual([]);
    const chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    expect(
      (
        await request(app, 'POST', '/api/admin/boundaries?kind=ward', {
          cookie: chair,
          json: wards(['X']),
        })
      ).status,
    ).toBe(403);
  });
});
