import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
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
import { ensureDemo } from '../demo/index.ts';
import {
  type CraftedRecord,
  disclosureViolations,
  insertRecords,
  type StoredRecord,
  storedRecords,
} from '../disclosure/testing.ts';
import { bumpDataVersion } from '../partnership/index.ts';

const NON_ANALYSTS = ['chair', 'partner', 'viewer'] as const;
const CLOCK_START = '2025-03-01T09:00:00Z';

/** Every layer and export a user can ask for (the 403s are bodies too, and are checked). */
const LAYER_URLS = [
  '/api/layers/hexagons?statistic=count',
  '/api/layers/hexagons?statistic=count&sizeMeters=1000',
  '/api/layers/hexagons?statistic=count&from=2024-04-01&to=2024-12-31&category=concern-premises',
  '/api/layers/hexagons?statistic=count&from=2024-04-03',
  '/api/layers/hexagons?statistic=count&sizeMeters=100',
  '/api/layers/hexagons?statistic=gistar',
  '/api/layers/density',
  '/api/layers/density?bandwidthMeters=150',
  '/api/layers/hotspots',
  '/api/layers/points',
  ...['hexagons', 'density', 'hotspots', 'points'].flatMap((layer) => [
    `/api/export/layer.csv?layer=${layer}`,
    `/api/export/layer.geojson?layer=${layer}`,
  ]),
  '/api/export/layer.csv?layer=hexagons&statistic=gistar',
];

// Kidderminster town centre, BNG metres.
const CENTRE = { e: 383_000, n: 276_500 };

/** Deterministic scatter so Gi* has more than 30 cells with data. */
function background(count: number, seed: number): CraftedRecord[] {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  return Array.from({ length: count }, (_, i) => ({
    easting: CENTRE.e - 4000 + next() * 8000,
    northing: CENTRE.n - 4000 + next() * 8000,
    handlingCode: 'P' as const,
    reportedOn: `2024-${String(4 + (i % 9)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`,
    summary: `Background report number ${i} seen near the shops`,
  }));
}

/** Isolated singles and groups of 1, 2, k-1, k, k+1 at the same or nearly the same place. */
function crafted(k: number): CraftedRecord[] {
  const out: CraftedRecord[] = [];
  const sizes = [1, 2, k - 1, k, k + 1, 1, 1];
  sizes.forEach((size, g) => {
    const e = CENTRE.e + 5200 + g * 700;
    const n = CENTRE.n + 5200 + (g % 2) * 650;
    for (let m = 0; m < size; m++) {
      out.push({
        easting: e + (g % 3 === 0 ? 0 : m * 4),
        northing: n + (g % 3 === 0 ? 0 : m * 3),
        handlingCode: 'P',
        reportedOn: `2024-11-1${m % 9}`,
        summary: `Crafted group ${g} member ${m} unique text`,
      });
    }
  });
  // C-coded records among and beside the groups.
  out.push({
    easting: CENTRE.e + 5200,
    northing: CENTRE.n + 5200,
    handlingCode: 'C',
    reportedOn: '2024-11-20',
    summary: 'C coded near group zero',
  });
  out.push({
    easting: CENTRE.e + 9000,
    northing: CENTRE.n + 9000,
    handlingCode: 'C',
    reportedOn: '2024-11-21',
    summary: 'C coded isolated',
  });
  return out;
}

/** Extra C records: isolated, inside groups, and on the hexagon grid corners the layers draw. */
function extraCRecords(): CraftedRecord[] {
  const corner = { e: 1.5 * 250 * 1021 - 250, n: Math.sqrt(3) * 250 * 638 }; // a 250 m grid vertex
  return [
    {
      easting: corner.e,
      northing: corner.n,
      handlingCode: 'C',
      reportedOn: '2024-12-01',
      summary: 'C on a grid corner',
    },
    {
      easting: CENTRE.e + 5200 + 700 * 3,
      northing: CENTRE.n + 5850,
      handlingCode: 'C',
      reportedOn: '2024-12-02',
    },
    {
      easting: CENTRE.e - 3000,
      northing: CENTRE.n + 2000,
      handlingCode: 'C',
      reportedOn: '2024-12-03',
    },
    ...Array.from({ length: 6 }, (_, i) => ({
      easting: CENTRE.e - 1500 + i * 3,
      northing: CENTRE.n - 1500,
      handlingCode: 'C' as const,
      reportedOn: '2024-12-04',
    })),
  ];
}

async function createHotspot(
  db: Db,
  partnershipId: string,
  createdBy: string,
  name: string,
  area: ReturnType<typeof sql<string>>,
  id: string,
): Promise<string> {
  await db.kysely
    .insertInto('hotspot')
    .values({
      id,
      partnership_id: partnershipId,
      name,
      area,
      method: 'dbscan',
      status: 'confirmed',
      created_by: createdBy,
      created_at: new Date(CLOCK_START),
      updated_at: new Date(CLOCK_START),
    })
    .execute();
  return id;
}

async function assignAction(
  db: Db,
  partnershipId: string,
  hotspotId: string,
  agencyId: string,
  createdBy: string,
  id: string,
) {
  await db.kysely
    .insertInto('action')
    .values({
      id,
      partnership_id: partnershipId,
      hotspot_id: hotspotId,
      priority: 'pursue-disrupt',
      agency_id: agencyId,
      title: 'Licensing visit',
      due_on: '2025-04-01',
      created_by: createdBy,
      created_at: new Date(CLOCK_START),
      updated_at: new Date(CLOCK_START),
    })
    .execute();
}

/** Raw convex hull of the records near a point: vertices exactly on records, the worst case. */
const hullNear = (partnershipId: string, e: number, n: number, radius: number) =>
  sql<string>`(select ST_Multi(case when GeometryType(hull) = 'POLYGON' then hull else ST_Buffer(hull, 0.0003) end)
    from (select ST_ConvexHull(ST_Collect(location)) as hull from intelligence_record
      where partnership_id = ${partnershipId} and ST_DWithin(ST_SetSRID(ST_MakePoint(easting, northing), 27700), ST_SetSRID(ST_MakePoint(${e}, ${n}), 27700), ${radius})) s)`;

interface Scenario {
  readonly name: string;
  readonly setUp: (deps: AppDeps) => Promise<{
    partnershipId: string;
    k: number;
    cookies: Record<'analyst' | 'chair' | 'partner' | 'viewer', string>;
    partnerHotspots: readonly string[];
    allHotspots: readonly string[];
    analystId: string;
    policeId: string;
  }>;
}

async function signInAll(
  app: TestApp,
  users: readonly { role: string; email: string; password: string }[],
) {
  const cookies = {} as Record<'analyst' | 'chair' | 'partner' | 'viewer', string>;
  for (const role of ['analyst', 'chair', 'partner', 'viewer'] as const) {
    const u = users.find((x) => x.role === role)!;
    cookies[role] = await signIn(app, u.email, u.password);
  }
  return cookies;
}

async function makeHotspots(
  deps: AppDeps,
  partnershipId: string,
  analystId: string,
  partnerAgency: string,
  otherAgency: string,
  groupCentres: { e: number; n: number }[],
) {
  const ids = groupCentres.map(() => deps.newId());
  for (const [i, c] of groupCentres.entries()) {
    await createHotspot(
      deps.db,
      partnershipId,
      analystId,
      `Hotspot ${i}`,
      hullNear(partnershipId, c.e, c.n, 600),
      ids[i]!,
    );
  }
  await assignAction(deps.db, partnershipId, ids[0]!, partnerAgency, analystId, deps.newId());
  await assignAction(deps.db, partnershipId, ids[1]!, otherAgency, analystId, deps.newId());
  return { partnerHotspots: [ids[0]!], allHotspots: ids };
}

function scenarios(getApp: () => TestApp): Scenario[] {
  return [
    {
      name: 'a crafted set of isolated records and small groups',
      setUp: async (deps) => {
        const seed: SeededPartnership = await seedPartnership(deps, {
          slug: `crafted-${deps.newId().slice(0, 8)}`,
        });
        const [w, s] = bngToLngLat(CENTRE.e - 6000, CENTRE.n - 6000);
        const [e, n] = bngToLngLat(CENTRE.e + 12_000, CENTRE.n + 12_000);
        await sql`update partnership set area = ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)) where id = ${seed.partnershipId}`.execute(
          deps.db.kysely,
        );
        await insertRecords(
          deps.db,
          seed.partnershipId,
          seed.users.analyst.id,
          seed.agencies.POL!,
          [...background(160, 7), ...crafted(3)],
          deps.newId,
        );
        const hotspots = await makeHotspots(
          deps,
          seed.partnershipId,
          seed.users.analyst.id,
          seed.agencies.WRS!,
          seed.agencies.POL!,
          [
            { e: CENTRE.e + 5200 + 700 * 4, n: CENTRE.n + 5200 },
            { e: CENTRE.e, n: CENTRE.n },
            { e: CENTRE.e + 5200 + 700 * 3, n: CENTRE.n + 5850 },
          ],
        );
        return {
          partnershipId: seed.partnershipId,
          k: 3,
          cookies: await signInAll(getApp(), Object.values(seed.users)),
          analystId: seed.users.analyst.id,
          policeId: seed.agencies.POL!,
          ...hotspots,
        };
      },
    },
    {
      name: 'the demo seed (600 records)',
      setUp: async (deps) => {
        const demo = await ensureDemo(deps, { recordCount: 600 });
        const ids = await deps.db.kysely
          .selectFrom('agency')
          .select(['id', 'code'])
          .where('partnership_id', '=', demo.partnershipId)
          .execute();
        const agency = (code: string) => ids.find((a) => a.code === code)!.id;
        const analyst = await deps.db.kysely
          .selectFrom('app_user')
          .select('id')
          .where('role', '=', 'analyst')
          .where('partnership_id', '=', demo.partnershipId)
          .executeTakeFirstOrThrow();
        // Kidderminster town centre, station and a second town.
        const hotspots = await makeHotspots(
          deps,
          demo.partnershipId,
          analyst.id,
          agency('WRS'),
          agency('WMP'),
          [
            { e: 383_000, n: 276_500 },
            { e: 383_700, n: 276_100 },
            { e: 403_800, n: 267_500 },
          ],
        );
        return {
          partnershipId: demo.partnershipId,
          k: 3,
          cookies: await signInAll(getApp(), demo.users),
          analystId: analyst.id,
          policeId: agency('WMP'),
          ...hotspots,
        };
      },
    },
  ];
}

describe.each(testDatabases())('map layers and disclosure control on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock(CLOCK_START) }));
  });
  afterAll(async () => {
    await db.close();
  });

  // The demo seeds only into an empty database, so it goes first.
  for (const scenario of scenarios(() => app).reverse()) {
    describe(scenario.name, () => {
      let setup: Awaited<ReturnType<Scenario['setUp']>>;
      let records: StoredRecord[];
      beforeAll(async () => {
        setup = await scenario.setUp(deps);
        records = await storedRecords(db, setup.partnershipId);
      });

      const fetchAll = async (role: (typeof NON_ANALYSTS)[number]) => {
        const bodies = new Map<string, { status: number; body: string }>();
        for (const url of LAYER_URLS) {
          const res = await request(app, 'GET', url, { cookie: setup.cookies[role] });
          // The request id in a problem's `instance` differs on every request by design.
          const body = (await res.text()).replace(
            /"instance":"urn:request:[^"]*"/,
            '"instance":"-"',
          );
          bodies.set(url, { status: res.status, body });
        }
        return bodies;
      };

      it('gives non-analysts no ids, summaries, exact coordinates or counts below k, and only whole hexagons of the published lattices', async () => {
        for (const role of NON_ANALYSTS) {
          const bodies = await fetchAll(role);
          for (const [url, { status, body }] of bodies) {
            expect([200, 403, 422], `${role} ${url}: ${body.slice(0, 200)}`).toContain(status);
            expect(
              disclosureViolations(body, records, setup.k, [250, 500, 1000]),
              `${role} ${url}`,
            ).toEqual([]);
          }
          // The layers a role may see actually came back with content: only published cells,
          // each at least k, none "fewer than k" (a suppressed cell is not drawn at all).
          if (role !== 'partner') {
            const hex = JSON.parse(
              bodies.get('/api/layers/hexagons?statistic=count&sizeMeters=1000')!.body,
            );
            expect(hex.features.length).toBeGreaterThan(0);
            for (const f of hex.features as { properties: { count: { count: number } } }[]) {
              expect(f.properties.count.count).toBeGreaterThanOrEqual(setup.k);
            }
            expect(bodies.get('/api/layers/density')!.status).toBe(200);
            // Free parameters are refused, naming the allowed values.
            const small = bodies.get('/api/layers/hexagons?statistic=count&sizeMeters=100')!;
            expect(small.status).toBe(422);
            expect(small.body).toContain('must be one of 250, 500, 1000');
          } else {
            expect(bodies.get('/api/layers/hexagons?statistic=count')!.status).toBe(403);
          }
          expect(bodies.get('/api/layers/points')!.status).toBe(403);
          expect(bodies.get('/api/export/layer.csv?layer=points')!.status).toBe(403);
        }
      }, 120_000);

      it('gives a partner only the hotspots tied to its own agency, in the layer and the exports', async () => {
        for (const url of ['/api/layers/hotspots', '/api/export/layer.geojson?layer=hotspots']) {
          const res = await request(app, 'GET', url, { cookie: setup.cookies.partner });
          const body = (await res.json()) as { features: { properties: { hotspotId: string } }[] };
          expect(body.features.map((f) => f.properties.hotspotId).sort()).toEqual(
            [...setup.partnerHotspots].sort(),
          );
        }
        const csv = await (
          await request(app, 'GET', '/api/export/layer.csv?layer=hotspots', {
            cookie: setup.cookies.partner,
          })
        ).text();
        for (const other of setup.allHotspots.filter((h) => !setup.partnerHotspots.includes(h))) {
          expect(csv).not.toContain(other);
        }
        const chair = (await (
          await request(app, 'GET', '/api/layers/hotspots', { cookie: setup.cookies.chair })
        ).json()) as { features: unknown[] };
        expect(chair.features.length).toBe(setup.allHotspots.length);
      }, 60_000);

      it('changes nothing a non-analyst receives when C-coded records are added or removed', async () => {
        const before = new Map<string, Map<string, { status: number; body: string }>>();
        for (const role of NON_ANALYSTS) before.set(role, await fetchAll(role));
        await insertRecords(
          db,
          setup.partnershipId,
          setup.analystId,
          setup.policeId,
          extraCRecords(),
          deps.newId,
        );
        await sql`delete from intelligence_record where partnership_id = ${setup.partnershipId} and handling_code = 'C'
          and id in (select id from intelligence_record where partnership_id = ${setup.partnershipId} and handling_code = 'C' order by id limit 3)`.execute(
          db.kysely,
        );
        await bumpDataVersion(db.kysely, setup.partnershipId);
        for (const role of NON_ANALYSTS) {
          const after = await fetchAll(role);
          for (const [url, was] of before.get(role)!) {
            expect(after.get(url), `${role} ${url}`).toEqual(was);
          }
        }
        records = await storedRecords(db, setup.partnershipId);
      }, 180_000);

      it('gives analysts record-level points, with C records, and clusters them when zoomed out', async () => {
        const res = await request(app, 'GET', '/api/layers/points?zoom=16', {
          cookie: setup.cookies.analyst,
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          features: {
            geometry: { type: string };
            properties: { recordId: string; handlingCode: string };
          }[];
        };
        expect(body.features.length).toBeGreaterThan(0);
        expect(body.features[0]!.geometry.type).toBe('Point');
        expect(body.features.some((f) => f.properties.handlingCode === 'C')).toBe(true);
        const ids = new Set(records.map((r) => r.id));
        for (const f of body.features) expect(ids.has(f.properties.recordId)).toBe(true);
        // The checker is not vacuous: the analyst's raw hotspot hulls have corners on records.
        const raw = await (
          await request(app, 'GET', '/api/layers/hotspots', { cookie: setup.cookies.analyst })
        ).text();
        expect(
          disclosureViolations(raw, records, setup.k).some((v) => v.startsWith('vertex')),
        ).toBe(true);
        const zoomedOut = (await (
          await request(app, 'GET', '/api/layers/points?zoom=8', { cookie: setup.cookies.analyst })
        ).json()) as { clustered: boolean };
        expect(typeof zoomedOut.clustered).toBe('boolean');
      });
    });
  }
});

describe.each(testDatabases())('layer caching and audit on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock(CLOCK_START) }));
    seed = await seedPartnership(deps);
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      background(80, 3),
      deps.newId,
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('sends the same layer gzip-encoded to a client that accepts it, and plain otherwise', async () => {
    const cookie = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    const url = '/api/layers/hexagons?sizeMeters=500';
    const plain = await request(app, 'GET', url, { cookie });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    const zipped = await request(app, 'GET', url, {
      cookie,
      headers: { 'accept-encoding': 'br;q=1, gzip;q=0.8' },
    });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('etag')).toBe(plain.headers.get('etag'));
    const body = gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString();
    expect(body).toBe(await plain.text());
    const refused = await request(app, 'GET', url, {
      cookie,
      headers: { 'accept-encoding': 'gzip;q=0' },
    });
    expect(refused.headers.get('content-encoding')).toBeNull();
  });

  it('gives a non-analyst the hash of the published bytes as the ETag: unchanged bytes, unchanged ETag', async () => {
    const cookie = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    const url = '/api/layers/hexagons?sizeMeters=1000';
    const first = await request(app, 'GET', url, { cookie });
    const etag = first.headers.get('etag')!;
    const body = await first.text();
    expect(etag).toBe(`W/"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`);
    // A hotspot change and a C record change nothing in the hexagons: still 304.
    await createHotspot(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      'Elsewhere',
      hullNear(seed.partnershipId, CENTRE.e, CENTRE.n, 3000),
      deps.newId(),
    );
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      extraCRecords(),
      deps.newId,
    );
    const again = await request(app, 'GET', url, { cookie, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers an analyst 304 while nothing changed, and a new ETag after a commit or a hotspot change', async () => {
    const cookie = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
    const url = '/api/layers/hexagons?sizeMeters=500';
    const first = await request(app, 'GET', url, { cookie });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    const again = await request(app, 'GET', url, { cookie, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // Other parameters, another ETag.
    const other = await request(app, 'GET', `${url}&category=concern-premises`, { cookie });
    expect(other.headers.get('etag')).not.toBe(etag);
    // A commit bumps the data version.
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      background(5, 99),
      deps.newId,
    );
    const afterCommit = await request(app, 'GET', url, {
      cookie,
      headers: { 'if-none-match': etag },
    });
    expect(afterCommit.status).toBe(200);
    const etag2 = afterCommit.headers.get('etag')!;
    expect(etag2).not.toBe(etag);
    // A hotspot change (a new hotspot here) invalidates every layer too.
    await createHotspot(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      'New',
      hullNear(seed.partnershipId, CENTRE.e, CENTRE.n, 3000),
      deps.newId(),
    );
    const afterHotspot = await request(app, 'GET', url, {
      cookie,
      headers: { 'if-none-match': etag2 },
    });
    expect(afterHotspot.status).toBe(200);
    // Analysts and chairs never share an ETag.
    const chairCookie = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    const chair = await request(app, 'GET', url, {
      cookie: chairCookie,
      headers: { 'if-none-match': afterHotspot.headers.get('etag')! },
    });
    expect(chair.status).toBe(200);
  });

  it('audits every layer and export: consultation for analysts, disclosure for others, filters only', async () => {
    const chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    const analyst = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
    await request(app, 'GET', '/api/layers/density?category=concern-premises', { cookie: chair });
    await request(app, 'GET', '/api/export/layer.csv?layer=hexagons', { cookie: chair });
    await request(app, 'GET', '/api/layers/points?zoom=16', { cookie: analyst });
    const events = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action', 'query', 'actor_role'])
      .where('action', 'in', ['layer.density', 'export.hexagons.csv', 'layer.points'])
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.actor_role, e.category, e.action])).toEqual([
      ['chair', 'disclosure', 'layer.density'],
      ['chair', 'disclosure', 'export.hexagons.csv'],
      ['analyst', 'consultation', 'layer.points'],
    ]);
    expect(events[0]!.query).toMatchObject({ category: ['concern-premises'] });
    const csv = await (
      await request(app, 'GET', '/api/export/layer.csv?layer=hexagons&sizeMeters=1000', {
        cookie: chair,
      })
    ).text();
    expect(csv.split('\r\n')[0]).toBe('count,cell,geometry');
    // Cells below k are not published at all, so no row says "fewer than".
    expect(csv).not.toMatch(/fewer than/);
    expect(csv.split('\r\n').length).toBeGreaterThan(2);
  });
});
