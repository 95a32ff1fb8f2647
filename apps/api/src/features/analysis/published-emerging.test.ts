import { hexIndexAt } from '@hotspot/analysis';
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
import { type CraftedRecord, insertRecords } from '../disclosure/testing.ts';
import { emergingCellsOutsideHotspots } from '../meetings/index.ts';

// A 3 km square of Kidderminster, BNG metres: a steady background, a place that grows every
// month (A) and one that appears only in December (B), over 2024.
const WEST = 381_500;
const SOUTH = 275_000;
const A = { x: 382_300, y: 275_800 };
const B = { x: 383_900, y: 277_300 };
const YEAR = '?from=2024-01-01&to=2024-12-31';

function history(): CraftedRecord[] {
  let s = 41;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const out: CraftedRecord[] = [];
  const day = (m: number) =>
    `2024-${String(m + 1).padStart(2, '0')}-${String(1 + Math.floor(next() * 27)).padStart(2, '0')}`;
  const near = (p: { x: number; y: number }, m: number): CraftedRecord => ({
    easting: p.x + (next() - 0.5) * 80,
    northing: p.y + (next() - 0.5) * 80,
    handlingCode: 'P',
    reportedOn: day(m),
  });
  for (let m = 0; m < 12; m++) {
    for (let k = 0; k < 220; k++) {
      out.push({
        easting: WEST + next() * 3000,
        northing: SOUTH + next() * 3000,
        handlingCode: 'P',
        reportedOn: day(m),
      });
    }
    for (let k = 0; k < 20 + 12 * m; k++) out.push(near(A, m));
    if (m === 11) for (let k = 0; k < 200; k++) out.push(near(B, m));
  }
  return out;
}

const cellOf = (p: { x: number; y: number }) => {
  const { i, j } = hexIndexAt(p.x, p.y, 250);
  return `${i}:${j}`;
};

describe.each(testDatabases())('emerging hot spots on the published table on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  const cookies: Record<string, string> = {};

  const emerging = async (role: string, query = YEAR) =>
    request(app, 'GET', `/api/analysis/emerging${query}`, { cookie: cookies[role] });

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-01-15T09:00:00Z') }));
    seed = await seedPartnership(deps, { slug: `emerging-${deps.newId().slice(0, 8)}` });
    const [w, s] = bngToLngLat(WEST, SOUTH);
    const [e, n] = bngToLngLat(WEST + 3000, SOUTH + 3000);
    await sql`update partnership set area = ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)) where id = ${seed.partnershipId}`.execute(
      db.kysely,
    );
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      history(),
      deps.newId,
    );
    for (const role of ['analyst', 'chair', 'viewer', 'partner'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it('finds the growing place and the newcomer for chairs and viewers, as whole published hexagons', async () => {
    for (const role of ['chair', 'viewer']) {
      const res = await emerging(role);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        parameters: Record<string, unknown>;
        features: { properties: Record<string, unknown>; geometry: { coordinates: unknown } }[];
      };
      expect(body.parameters).toMatchObject({ sizeMeters: 250, slice: 'month' });
      const pattern = new Map(body.features.map((f) => [f.properties.cell, f.properties.pattern]));
      expect(pattern.get(cellOf(A))).toMatch(/^(intensifying|persistent|consecutive)_hot_spot$/);
      expect(pattern.get(cellOf(B))).toBe('new_hot_spot');
      // Labels only: no counts, z-scores or trends per cell.
      for (const f of body.features) {
        expect(Object.keys(f.properties).sort()).toEqual(['cell', 'pattern']);
      }
    }
    expect((await emerging('partner')).status).toBe(403);
    // The meeting screen: an analyst presenting gets exactly the viewer's published answer.
    const viewer = await (await emerging('viewer')).text();
    expect(await (await emerging('analyst', `${YEAR}&audience=meeting`)).text()).toBe(viewer);
    expect(await (await emerging('analyst')).text()).not.toBe(viewer);
  });

  it('answers only the published surface, naming what is allowed, with no data-dependent numbers', async () => {
    for (const [query, pointer] of [
      ['?from=2024-06-01&to=2024-12-31', '/query/from'],
      ['?from=2024-01-05&to=2024-12-31', '/query/from'],
      [`${YEAR}&slice=week`, '/query/slice'],
      [`${YEAR}&distanceMeters=900`, '/query/distanceMeters'],
      [`${YEAR}&sizeMeters=137`, '/query/sizeMeters'],
      [`${YEAR}&handlingCode=C`, '/query/handlingCode'],
    ] as const) {
      const res = await emerging('chair', query);
      expect(res.status, query).toBe(422);
      const problem = (await res.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toContain(pointer);
    }
  });

  it('counts the agenda’s emerging places from the same published analysis, outside open hotspots', async () => {
    const body = (await (await emerging('chair', '?from=2024-01-01&to=2024-12-31')).json()) as {
      features: { properties: { cell: string; pattern: string } }[];
    };
    const shown = body.features.filter((f) =>
      ['new_hot_spot', 'intensifying_hot_spot'].includes(f.properties.pattern),
    );
    expect(shown.length).toBeGreaterThan(0);
    // A meeting on 20 December 2024 looks at the 12 whole months of 2024.
    const count = () => emergingCellsOutsideHotspots(deps, seed.partnershipId, '2024-12-20');
    expect(await count()).toBe(shown.length);
    // A hotspot over B: B's cells are named, so no longer counted.
    const [w, s] = bngToLngLat(B.x - 100, B.y - 100);
    const [e, n] = bngToLngLat(B.x + 100, B.y + 100);
    await db.kysely
      .insertInto('hotspot')
      .values({
        id: deps.newId(),
        partnership_id: seed.partnershipId,
        name: 'Newcomer',
        area: sql<string>`ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326))`,
        method: 'drawn',
        status: 'confirmed',
        created_by: seed.users.analyst.id,
        created_at: new Date('2024-12-01T00:00:00Z'),
        updated_at: new Date('2024-12-01T00:00:00Z'),
      })
      .execute();
    expect(await count()).toBeLessThan(shown.length);
  });

  it('changes no byte for chairs and viewers when isolated or C records are added', async () => {
    const everything = async () =>
      Promise.all(
        ['chair', 'viewer'].flatMap((role) =>
          [YEAR, `${YEAR}&sizeMeters=500`, '?from=2024-03-01&to=2024-12-31'].map(async (q) => {
            const res = await emerging(role, q);
            const body = (await res.text()).replace(/"instance":"[^"]*"/, '"instance":"-"');
            return `${res.status} ${res.headers.get('etag')} ${body}`;
          }),
        ),
      );
    const before = await everything();
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      [
        // Outside the square, 2 km from any other report.
        {
          easting: WEST - 2000,
          northing: SOUTH + 100,
          handlingCode: 'P',
          reportedOn: '2024-12-02',
        },
        { easting: A.x, northing: A.y, handlingCode: 'C', reportedOn: '2024-12-03' },
        { easting: B.x, northing: B.y, handlingCode: 'C', reportedOn: '2024-12-04' },
      ],
      deps.newId,
    );
    expect(await everything()).toEqual(before);
  });
});
