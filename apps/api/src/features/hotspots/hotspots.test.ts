import { hexAreaSquareMeters, hexIndexAt, weightedDisplacementQuotient } from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { bngToLngLat, lngLatToBng } from '@hotspot/ingest';
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
import { hexCellsTouching } from '../disclosure/index.ts';
import {
  type CraftedRecord,
  disclosureViolations,
  insertRecords,
  storedRecords,
} from '../disclosure/testing.ts';
import { bngRectangle, setPartnershipArea } from './test-support.ts';

// Hotspots from hexagon cells and drawings, their checks, partner visibility, and the outcome
// evaluation on a crafted data set whose WDQ is worked out by hand below.

/** `n` records around a BNG point (a few metres apart), all on one date. */
function near(
  x: number,
  y: number,
  n: number,
  reportedOn: string,
  handlingCode: 'P' | 'C' = 'P',
): CraftedRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    easting: x + (i % 5) * 6,
    northing: y + Math.floor(i / 5) * 6,
    handlingCode,
    reportedOn,
  }));
}

// Target: the drawn square 383000-383200 x 273000-273200. Buffer: the 250 m ring around it
// (records 100 m west of it). Control: the rest of the 6 km partnership square.
// Response began 2025-01-01; 90-day periods: before 2024-10-03..2024-12-31, after 2025-01-01..2025-03-31.
const CRAFTED: readonly CraftedRecord[] = [
  ...near(383_080, 273_080, 9, '2024-11-15'),
  ...near(383_150, 273_150, 1, '2024-10-03'), // first day of "before": counts
  ...near(383_100, 273_060, 2, '2024-11-20', 'C'), // analysts only
  ...near(383_080, 273_080, 3, '2025-02-15'),
  ...near(383_120, 273_120, 1, '2025-01-01'), // first day of "after": counts
  ...near(383_100, 273_100, 4, '2024-06-01'), // before the window: ignored
  ...near(382_900, 273_100, 6, '2024-11-15'),
  ...near(382_900, 273_100, 5, '2025-02-15'),
  ...near(381_000, 271_000, 20, '2024-12-01'),
  ...near(384_500, 275_000, 25, '2025-03-01'),
  ...near(381_000, 271_000, 3, '2024-10-02'), // a day before the window: ignored
  ...near(381_000, 271_000, 3, '2025-04-01'), // a day after the window: ignored
];

describe.each(testDatabases())('hotspots on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-05-01T09:00:00Z') }));
    seed = await seedPartnership(deps);
    await setPartnershipArea(deps, seed.partnershipId);
    await insertRecords(
      db,
      seed.partnershipId,
      seed.users.analyst.id,
      seed.agencies.POL!,
      CRAFTED,
      deps.newId,
    );
    for (const role of ['analyst', 'chair', 'partner', 'viewer', 'admin'] as const) {
      cookies[role] = await signIn(app, seed.users[role].email, seed.users[role].password);
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  let drawnId = '';

  it('creates a hotspot from a drawn polygon and refuses one outside the area or self-crossing', async () => {
    const res = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'drawn',
        name: 'Station approach',
        area: bngRectangle(383_000, 273_000, 383_200, 273_200),
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as {
      id: string;
      method: string;
      periodFrom: string;
      periodTo: string;
    };
    drawnId = body.id;
    expect(body).toMatchObject({
      method: 'drawn',
      periodFrom: '2024-05-01',
      periodTo: '2025-05-01',
    });

    const outside = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'drawn',
        name: 'Elsewhere',
        area: bngRectangle(390_000, 273_000, 390_200, 273_200),
      },
    });
    expect(outside.status).toBe(422);
    expect(((await outside.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe(
      '/body/area',
    );

    const [a, b, c, d] = [
      bngToLngLat(383_000, 273_000),
      bngToLngLat(383_200, 273_200),
      bngToLngLat(383_200, 273_000),
      bngToLngLat(383_000, 273_200),
    ];
    const bowTie = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'drawn',
        name: 'Bow tie',
        area: { type: 'Polygon', coordinates: [[a, b, c, d, a]] },
      },
    });
    expect(bowTie.status).toBe(422);

    const unknownField = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.chair,
      json: {
        source: 'drawn',
        name: 'x',
        area: bngRectangle(383_000, 273_000, 383_200, 273_200),
        colour: 'red',
      },
    });
    expect(unknownField.status).toBe(422);
  });

  it('creates a hotspot from hexagon cells as the union of the cells, with a statistics snapshot', async () => {
    const sizeMeters = 250;
    const { i, j } = hexIndexAt(383_100, 273_100, sizeMeters);
    const res = await request(app, 'POST', '/api/hotspots', {
      cookie: cookies.analyst,
      json: {
        source: 'gistar',
        name: 'Hot cells',
        cellIds: [`${i}:${j}`, `${i + 1}:${j}`],
        sizeMeters,
        period: { from: '2024-01-01', to: '2025-04-30' },
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as {
      area: { geometry: { type: string; coordinates: number[][][][] } };
      stats: { reports: number };
    };
    // Two neighbouring cells merge into one polygon without slivers.
    expect(body.area.geometry.coordinates).toHaveLength(1);
    const { rows } = await sql<{ m2: number }>`
      select ST_Area(ST_Transform(area, 27700)) as m2 from hotspot where name = 'Hot cells'`.execute(
      db.kysely,
    );
    expect(Number(rows[0]!.m2)).toBeCloseTo(2 * hexAreaSquareMeters(sizeMeters), -1);
    expect(body.stats.reports).toBeGreaterThan(0);
  });

  it('keeps hotspots without an action of their agency from partners: 404 and an audited refusal', async () => {
    const list = (await (
      await request(app, 'GET', '/api/hotspots', { cookie: cookies.partner })
    ).json()) as {
      hotspots: unknown[];
    };
    expect(list.hotspots).toEqual([]);
    const res = await request(app, 'GET', `/api/hotspots/${drawnId}`, { cookie: cookies.partner });
    expect(res.status).toBe(404);
    const refusals = await db.kysely
      .selectFrom('audit_event')
      .select('action')
      .where('category', '=', 'refusal')
      .where('object_id', '=', drawnId)
      .execute();
    expect(refusals).toHaveLength(1);
    const admin = await request(app, 'GET', `/api/hotspots/${drawnId}`, { cookie: cookies.admin });
    expect(admin.status).toBe(403);
  });

  it('evaluates the response with the hand-computed WDQ and total net effect (analyst)', async () => {
    const patched = await request(app, 'PATCH', `/api/hotspots/${drawnId}`, {
      cookie: cookies.chair,
      json: { responseStartedOn: '2025-01-01' },
    });
    expect(patched.status).toBe(200);
    const res = await request(app, 'GET', `/api/hotspots/${drawnId}/evaluation?periodDays=90`, {
      cookie: cookies.analyst,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as {
      parameters: { before: { from: string; to: string }; after: { from: string; to: string } };
      counts: Record<string, { before: { count: number }; after: { count: number } }>;
      result: { computable: boolean; wdq: number; totalNetEffect: number; interpretation: string };
    };
    expect(body.parameters.before).toEqual({ from: '2024-10-03', to: '2024-12-31' });
    expect(body.parameters.after).toEqual({ from: '2025-01-01', to: '2025-03-31' });
    // Rb = 9 + 1 + 2 (C) = 12, Ra = 3 + 1 = 4, Db = 6, Da = 5, Cb = 20, Ca = 25.
    expect(body.counts).toEqual({
      target: { before: { count: 12 }, after: { count: 4 } },
      buffer: { before: { count: 6 }, after: { count: 5 } },
      control: { before: { count: 20 }, after: { count: 25 } },
    });
    // WDQ = (5/25 - 6/20) / (4/25 - 12/20) = -0.1 / -0.44 = 0.22727...
    expect(body.result.wdq).toBeCloseTo(0.1 / 0.44, 10);
    // Total net effect = (12 * 25/20 - 4) + (6 * 25/20 - 5) = 11 + 2.5 = 13.5
    expect(body.result.totalNetEffect).toBeCloseTo(13.5, 10);
    expect(body.result.interpretation).toBe('diffusion_of_benefits');
  });

  it('gives the chair an evaluation from published values only: whole months, cell zones', async () => {
    const free = await request(
      app,
      'GET',
      `/api/hotspots/${drawnId}/evaluation?periodDays=90&bufferMeters=250`,
      { cookie: cookies.chair },
    );
    expect(free.status).toBe(422);
    const problem = (await free.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      '/query/bufferMeters',
      '/query/periodDays',
    ]);
    const res = await request(app, 'GET', `/api/hotspots/${drawnId}/evaluation`, {
      cookie: cookies.chair,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as {
      parameters: { before: { from: string }; after: { from: string; to: string } };
      counts: Record<string, Record<'before' | 'after', { count: number } | { suppressed: true }>>;
      result: { computable: boolean; wdq?: number; totalNetEffect?: number };
    };
    expect(body.parameters.after.from).toBe('2025-01-01');
    expect(body.parameters.before.from.endsWith('-01')).toBe(true);
    const shown = Object.values(body.counts).flatMap((c) => [c.before, c.after]);
    for (const c of shown) if ('count' in c) expect(c.count).toBeGreaterThanOrEqual(3);
    const anySuppressed = shown.some((c) => 'suppressed' in c);
    expect(body.result.computable).toBe(!anySuppressed);
    if (body.result.computable) {
      // The WDQ is a function of the shown values and nothing else.
      const n = (c: { count: number } | { suppressed: true }) => (c as { count: number }).count;
      const wdq = weightedDisplacementQuotient({
        target: { before: n(body.counts.target!.before), after: n(body.counts.target!.after) },
        buffer: { before: n(body.counts.buffer!.before), after: n(body.counts.buffer!.after) },
        control: { before: n(body.counts.control!.before), after: n(body.counts.control!.after) },
      });
      expect(wdq.computable && Math.round(wdq.wdq * 100) / 100).toBe(body.result.wdq);
    }
    // The same question, the same bytes.
    const again = await request(app, 'GET', `/api/hotspots/${drawnId}/evaluation`, {
      cookie: cookies.viewer,
    });
    expect(await again.text()).toBe(text);
    expect(disclosureViolations(text, await storedRecords(db, seed.partnershipId), 3)).toEqual([]);
  });

  it('refuses an evaluation with no after period yet', async () => {
    const res = await request(app, 'GET', `/api/hotspots/${drawnId}/evaluation?date=2025-05-01`, {
      cookie: cookies.chair,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('serves suggested actions by place type, editable by admins only', async () => {
    const created = await request(app, 'POST', '/api/admin/suggested-actions', {
      cookie: cookies.admin,
      json: {
        placeType: 'park',
        priority: 'intervention-support',
        title: 'Youth outreach',
        agencyKind: 'voluntary',
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const forChair = (await (
      await request(app, 'GET', '/api/suggested-actions?placeType=park', { cookie: cookies.chair })
    ).json()) as {
      suggestions: { title: string }[];
    };
    expect(forChair.suggestions.map((s) => s.title)).toEqual(['Youth outreach']);
    const renamed = await request(app, 'PATCH', `/api/admin/suggested-actions/${id}`, {
      cookie: cookies.admin,
      json: { title: 'Detached youth work' },
    });
    expect(((await renamed.json()) as { title: string }).title).toBe('Detached youth work');
    expect(
      (
        await request(app, 'POST', '/api/admin/suggested-actions', {
          cookie: cookies.chair,
          json: {},
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(app, 'DELETE', `/api/admin/suggested-actions/${id}`, {
          cookie: cookies.admin,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await request(app, 'DELETE', `/api/admin/suggested-actions/${id}`, {
          cookie: cookies.admin,
        })
      ).status,
    ).toBe(404);
  });

  it("gives a partner with an action on the hotspot only the partner's view of it (the web hotspot page shows this)", async () => {
    const scanning = 'Reports cluster on Friday nights near the taxi rank.';
    const analysis = 'The same two vehicles recur in the reports.';
    const changed = await request(app, 'PATCH', `/api/hotspots/${drawnId}`, {
      cookie: cookies.chair,
      json: {
        status: 'confirmed',
        reason: 'Agreed at tasking',
        objective: 'Fewer concerns at the station approach',
        scanning,
        analysis,
        response: 'Licensing visits and patrols',
      },
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    for (const [code, title] of [
      ['WRS', 'Licensing visit'],
      ['POL', 'Targeted evening patrols'],
    ] as const) {
      const res = await request(app, 'POST', `/api/hotspots/${drawnId}/actions`, {
        cookie: cookies.chair,
        json: {
          priority: 'pursue-disrupt',
          agencyId: seed.agencies[code],
          title,
          dueOn: '2025-06-30',
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }

    const res = await request(app, 'GET', `/api/hotspots/${drawnId}`, { cookie: cookies.partner });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown> & {
      actions: { title: string; agency: { code: string } }[];
      area: { geometry: { type: string } } | null;
    };
    // Exactly these fields: no method parameters, no statistics snapshot.
    expect(Object.keys(body).sort()).toEqual(
      [
        'id',
        'name',
        'method',
        'status',
        'risk',
        'reviewOn',
        'reviewDue',
        'periodFrom',
        'periodTo',
        'responseStartedOn',
        'openActions',
        'overdueActions',
        'createdAt',
        'updatedAt',
        'area',
        'reports',
        'osara',
        'statusHistory',
        'allowedTransitions',
        'actions',
        'createdBy',
        'disclosure',
      ].sort(),
    );
    expect(body.osara).toEqual({
      objective: 'Fewer concerns at the station approach',
      response: 'Licensing visits and patrols',
      assessment: null,
    });
    expect(body.actions.map((a) => [a.agency.code, a.title])).toEqual([['WRS', 'Licensing visit']]);
    expect(body).toMatchObject({ status: 'tasked', openActions: 1, allowedTransitions: [] });
    // The map layer counts the same way: only the partner's own agency's open actions (WRS's
    // one, not POL's as well).
    const layer = (await (
      await request(app, 'GET', '/api/layers/hotspots', { cookie: cookies.partner })
    ).json()) as { features: { properties: { hotspotId: string; openActions: number } }[] };
    expect(
      layer.features.find((f) => f.properties.hotspotId === drawnId)?.properties,
    ).toMatchObject({ openActions: 1, ownAgencyActions: 1 });
    const chairLayer = (await (
      await request(app, 'GET', '/api/layers/hotspots', { cookie: cookies.chair })
    ).json()) as { features: { properties: { hotspotId: string; openActions: number } }[] };
    expect(
      chairLayer.features.find((f) => f.properties.hotspotId === drawnId)?.properties.openActions,
    ).toBe(2);
    // The published value of the finest lattice's cells the hotspot touches: within the bound
    // (2) of their P reports in the whole months of the hotspot's period (C ones never count).
    const outline = await sql<{ area: string; from: string | null; to: string | null }>`
      select ST_AsGeoJSON(area) as area, period_from::text as from, period_to::text as to
      from hotspot where id = ${drawnId}`.execute(db.kysely);
    const wgs = JSON.parse(outline.rows[0]!.area) as { coordinates: number[][][][] };
    const bng = {
      type: 'MultiPolygon' as const,
      coordinates: wgs.coordinates.map((p) => p.map((r) => r.map(([x, y]) => lngLatToBng(x!, y!)))),
    };
    const cells = new Set(hexCellsTouching(bng, 250).map((c) => `${c.i}:${c.j}`));
    const from = `${(outline.rows[0]!.from ?? '2000-01-01').slice(0, 7)}-01`;
    const to = (outline.rows[0]!.to ?? '2100-01-01').slice(0, 7);
    const stored = await sql<{ e: number; n: number; d: string; h: string }>`
      select easting as e, northing as n, reported_on::text as d, handling_code as h
      from intelligence_record where partnership_id = ${seed.partnershipId}`.execute(db.kysely);
    const truth = stored.rows.filter((r) => {
      const { i, j } = hexIndexAt(Number(r.e), Number(r.n), 250);
      return r.h === 'P' && cells.has(`${i}:${j}`) && r.d >= from && r.d.slice(0, 7) <= to;
    }).length;
    expect(truth).toBeGreaterThanOrEqual(18);
    const shown = (body.reports as { count: number }).count;
    expect(Math.abs(shown - truth)).toBeLessThanOrEqual(2);
    expect(body.area?.geometry.type).toMatch(/Polygon$/);
    for (const withheld of [scanning, analysis, 'Targeted evening patrols', '"POL"']) {
      expect(text).not.toContain(withheld);
    }
    expect(disclosureViolations(text, await storedRecords(db, seed.partnershipId), 3)).toEqual([]);
    // The outcome evaluation compares the hotspot with the rest of the partnership area: an
    // aggregate beyond "hotspots tied to own agency's actions" (DESIGN.md section 5), so not for
    // partners, even with an action on the hotspot.
    const evaluation = await request(
      app,
      'GET',
      `/api/hotspots/${drawnId}/evaluation?date=2025-01-01`,
      {
        cookie: cookies.partner,
      },
    );
    expect(evaluation.status).toBe(403);
    expect(evaluation.headers.get('content-type')).toBe('application/problem+json');

    // A viewer reads every agency's action status, with the same disclosure and no forms.
    const viewer = await request(app, 'GET', `/api/hotspots/${drawnId}`, {
      cookie: cookies.viewer,
    });
    const viewerText = await viewer.text();
    const viewerBody = JSON.parse(viewerText) as typeof body;
    expect(viewerBody.actions.map((a) => a.agency.code).sort()).toEqual(['POL', 'WRS']);
    expect(viewerBody).toMatchObject({ allowedTransitions: [] });
    expect(viewerText).not.toContain(scanning);
    expect(
      disclosureViolations(viewerText, await storedRecords(db, seed.partnershipId), 3),
    ).toEqual([]);
  });
});
