// One database, two partnerships over the same ground (the North Worcestershire area, the same
// agency codes): nothing of B reaches A's users. B's records, batch, hotspot, action, meeting and
// audit events are made through the API by B's users; A's users then list and fetch: lists hold
// only A's own (A has data too, so an empty list proves nothing), direct requests by id answer 404.
import type { Role } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { lngLatToBng } from '@hotspot/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createTestClock,
  request,
  type SeededPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { nativeCsv, seedUploadPartnership, uploadRaw, VALID_ROW } from '../batches/test-support.ts';
import { bngRectangle } from '../hotspots/test-support.ts';

interface Made {
  readonly batchId: string;
  readonly recordIds: readonly string[];
  readonly hotspotId: string;
  readonly actionId: string;
  readonly meetingId: string;
}

const ROLES: readonly Role[] = ['admin', 'analyst', 'chair', 'partner', 'viewer'];
const NOBODY = '00000000-0000-4000-8000-000000000000';

describe.each(testDatabases())('two partnerships in one database on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  const seeds: Record<'a' | 'b', SeededPartnership> = {} as never;
  const cookies: Record<'a' | 'b', Record<Role, string>> = { a: {} as never, b: {} as never };
  const made: Record<'a' | 'b', Made> = {} as never;

  // Records, a hotspot around them, an action for WRS on it and a meeting, as `side`'s users.
  async function makeData(side: 'a' | 'b', rows: number): Promise<Made> {
    const { analyst, chair } = cookies[side];
    const csv = nativeCsv(
      Array.from({ length: rows }, (_, i) => ({
        reported_on: `2024-03-${String(10 + i).padStart(2, '0')}`,
      })),
    );
    const upload = await uploadRaw(app, analyst, csv, { fileName: `${side}.csv` });
    expect(upload.status, await upload.clone().text()).toBe(201);
    const { id: batchId } = (await upload.json()) as { id: string };
    const commit = await request(app, 'POST', `/api/batches/${batchId}/commit`, {
      cookie: analyst,
    });
    expect(await commit.json()).toMatchObject({ status: 'committed', recordsAdded: rows });
    const records = await db.kysely
      .selectFrom('intelligence_record')
      .select('id')
      .where('batch_id', '=', batchId)
      .execute();

    const [x, y] = lngLatToBng(Number(VALID_ROW.longitude), Number(VALID_ROW.latitude));
    const hotspot = await request(app, 'POST', '/api/hotspots', {
      cookie: chair,
      json: {
        source: 'drawn',
        name: `Takeaway row ${side}`,
        area: bngRectangle(x - 200, y - 200, x + 200, y + 200),
      },
    });
    expect(hotspot.status, await hotspot.clone().text()).toBe(201);
    const { id: hotspotId } = (await hotspot.json()) as { id: string };
    const confirm = await request(app, 'PATCH', `/api/hotspots/${hotspotId}`, {
      cookie: chair,
      json: { status: 'confirmed', reason: 'Agreed at the May tasking meeting', risk: 'high' },
    });
    expect(confirm.status, await confirm.clone().text()).toBe(200);
    const action = await request(app, 'POST', `/api/hotspots/${hotspotId}/actions`, {
      cookie: chair,
      json: {
        priority: 'pursue-disrupt',
        agencyId: seeds[side].agencies.WRS,
        title: `Licensing visit ${side}`,
        dueOn: '2024-07-01',
      },
    });
    expect(action.status, await action.clone().text()).toBe(201);
    const { id: actionId } = (await action.json()) as { id: string };
    const meeting = await request(app, 'POST', '/api/meetings', {
      cookie: chair,
      json: { title: `June tasking ${side}`, startsAt: '2024-06-20T18:00:00Z', place: 'Town hall' },
    });
    expect(meeting.status, await meeting.clone().text()).toBe(201);
    const { id: meetingId } = (await meeting.json()) as { id: string };
    return { batchId, recordIds: records.map((r) => String(r.id)), hotspotId, actionId, meetingId };
  }

  beforeAll(async () => {
    db = await target.open();
    const created = createTestApp(db, { clock: createTestClock('2024-06-01T12:00:00Z') });
    app = created.app;
    for (const side of ['a', 'b'] as const) {
      seeds[side] = await seedUploadPartnership(created.deps, { slug: `csp-${side}` });
      for (const role of ROLES) {
        const user = seeds[side].users[role];
        cookies[side][role] = await signIn(app, user.email, user.password);
      }
    }
    made.a = await makeData('a', 4);
    made.b = await makeData('b', 6);
  });
  afterAll(async () => {
    await db.close();
  });

  const get = async (role: Role, path: string) => {
    const res = await request(app, 'GET', path, { cookie: cookies.a[role] });
    return { status: res.status, text: await res.text() };
  };
  // Whole months: non-analysts may ask for nothing finer (the published table).
  const PERIOD = 'from=2024-01-01&to=2024-06-30';

  /**
   * A request by id for B's object answers as for an id that does not exist: 404 for the roles
   * that may read such objects, and a role refused the kind altogether is refused alike.
   */
  async function expectAsIfAbsent(role: Role, path: (id: string) => string, id: string) {
    const real = await get(role, path(id));
    const absent = await get(role, path(NOBODY));
    expect(real.status, `${role} ${path(id)}`).toBe(absent.status);
    expect([403, 404], `${role} ${path(id)}`).toContain(real.status);
    return real.status;
  }

  it('layers: record points and hexagon counts are A’s records only', async () => {
    const points = await get('analyst', `/api/layers/points?zoom=16&${PERIOD}`);
    expect(points.status).toBe(200);
    const ids = (
      JSON.parse(points.text) as { features: { properties: { recordId: string } }[] }
    ).features.map((f) => f.properties.recordId);
    expect(ids.sort()).toEqual([...made.a.recordIds].sort());
    for (const id of made.b.recordIds) expect(points.text).not.toContain(`"${id}"`);

    const hex = async (role: Role) => {
      const res = await get(role, `/api/layers/hexagons?statistic=count&${PERIOD}`);
      expect(res.status, role).toBe(200);
      return (
        JSON.parse(res.text) as { features: { properties: { count: unknown } }[] }
      ).features.map((f) => f.properties.count);
    };
    // A's four records share one cell; with B's six there it would count ten.
    expect(await hex('analyst')).toEqual([made.a.recordIds.length]);
    // The chair's is the published value: within the table's bound (2) of A's four, never of ten.
    const published = await hex('chair');
    expect(published).toHaveLength(1);
    const shown = published[0] as number | { count: number };
    const value = typeof shown === 'number' ? shown : shown.count;
    expect(Math.abs(value - made.a.recordIds.length)).toBeLessThanOrEqual(2);
  });

  it('hotspots: lists, the hotspot layer and direct requests show none of B’s', async () => {
    for (const role of ROLES) {
      const list = await get(role, '/api/hotspots');
      if (list.status === 200) expect(list.text, role).not.toContain(made.b.hotspotId);
      await expectAsIfAbsent(role, (id) => `/api/hotspots/${id}`, made.b.hotspotId);
      await expectAsIfAbsent(role, (id) => `/api/hotspots/${id}/evaluation`, made.b.hotspotId);
    }
    const hotspot = (id: string) => `/api/hotspots/${id}`;
    expect(await expectAsIfAbsent('chair', hotspot, made.b.hotspotId)).toBe(404);
    const own = await get('chair', '/api/hotspots');
    expect(own.text).toContain(made.a.hotspotId);
    const layer = await get('chair', `/api/layers/hotspots?${PERIOD}`);
    expect(layer.status).toBe(200);
    expect(layer.text).toContain(made.a.hotspotId);
    expect(layer.text).not.toContain(made.b.hotspotId);
  });

  it('actions: A’s WRS partner and chair see none of B’s WRS actions, by list, export or id', async () => {
    const action = (id: string) => `/api/actions/${id}`;
    for (const role of ROLES) {
      const list = await get(role, '/api/actions');
      if (list.status === 200) {
        expect(list.text, role).not.toContain(made.b.actionId);
        expect(list.text, role).not.toContain('Licensing visit b');
      }
      await expectAsIfAbsent(role, action, made.b.actionId);
    }
    for (const role of ['chair', 'partner'] as const) {
      expect((await get(role, '/api/actions')).text, role).toContain(made.a.actionId);
      expect(await expectAsIfAbsent(role, action, made.b.actionId), role).toBe(404);
    }
    const csv = await get('chair', '/api/actions/export.csv');
    expect(csv.text).toContain('Licensing visit a');
    expect(csv.text).not.toContain('Licensing visit b');
    const acknowledge = await request(app, 'POST', `/api/actions/${made.b.actionId}/acknowledge`, {
      cookie: cookies.a.partner,
    });
    expect(acknowledge.status).toBe(404);
  });

  it('meetings: lists hold A’s only; B’s meeting, agenda and pack answer as if absent', async () => {
    const list = await get('chair', '/api/meetings');
    expect(list.status).toBe(200);
    expect(list.text).toContain(made.a.meetingId);
    expect(list.text).not.toContain(made.b.meetingId);
    for (const suffix of ['', '/agenda', '/pack.html']) {
      const path = (id: string) => `/api/meetings/${id}${suffix}`;
      expect(await expectAsIfAbsent('chair', path, made.b.meetingId)).toBe(404);
      for (const role of ROLES) await expectAsIfAbsent(role, path, made.b.meetingId);
    }
  });

  it('batches and records: B’s batch is neither listed nor readable, its records not erasable', async () => {
    const list = await get('analyst', '/api/batches');
    expect(list.status).toBe(200);
    expect(list.text).toContain(made.a.batchId);
    expect(list.text).not.toContain(made.b.batchId);
    const batch = (id: string) => `/api/batches/${id}`;
    expect(await expectAsIfAbsent('analyst', batch, made.b.batchId)).toBe(404);
    const erase = await request(app, 'DELETE', `/api/records/${made.b.recordIds[0]}`, {
      cookie: cookies.a.analyst,
      json: { reason: 'Not ours to erase' },
    });
    expect(erase.status).toBe(404);
  });

  it('audit: A’s administrator reads A’s trail only', async () => {
    const trail = await get('admin', '/api/audit?limit=500');
    expect(trail.status).toBe(200);
    const events = (JSON.parse(trail.text) as { events: { partnershipId: string | null }[] })
      .events;
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.partnershipId))).toEqual(new Set([seeds.a.partnershipId]));
    for (const id of [made.b.batchId, made.b.hotspotId, made.b.actionId, made.b.meetingId]) {
      expect(trail.text).not.toContain(id);
    }
    const csv = await get('admin', '/api/audit/export.csv');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(made.a.hotspotId);
    expect(csv.text).not.toContain(seeds.b.partnershipId);
    expect(csv.text).not.toContain(made.b.hotspotId);
  });

  it('B’s own users do see B’s data (the checks above are not vacuous)', async () => {
    const res = await request(app, 'GET', `/api/hotspots/${made.b.hotspotId}`, {
      cookie: cookies.b.chair,
    });
    expect(res.status).toBe(200);
    const meetings = await request(app, 'GET', '/api/meetings', { cookie: cookies.b.chair });
    expect(await meetings.text()).toContain(made.b.meetingId);
  });
});
