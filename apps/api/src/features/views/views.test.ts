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

// Saved map views: a versioned config (v: 1) validated strictly, readable by every map role,
// attachable to an agenda item, and invisible to another partnership.

const CONFIG = {
  v: 1,
  center: [-2.2458, 52.3881],
  zoom: 15,
  layers: ['districts', 'hotspots'],
  filters: { from: '2025-01-01', to: '2025-03-31', category: ['concern-premises'] },
};

describe.each(testDatabases())('saved map views on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let chair: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2025-03-01T09:00:00Z') }));
    seed = await seedPartnership(deps);
    chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('saves a view, shares it with a viewer, and attaches it to an agenda item', async () => {
    const bad = await request(app, 'POST', '/api/views', {
      cookie: chair,
      json: { name: 'Bad', config: { ...CONFIG, v: 2 } },
    });
    expect(bad.status).toBe(422);
    const unknownField = await request(app, 'POST', '/api/views', {
      cookie: chair,
      json: { name: 'Bad', config: { ...CONFIG, recordIds: ['1'] } },
    });
    expect(unknownField.status).toBe(422);

    const created = await request(app, 'POST', '/api/views', {
      cookie: chair,
      json: { name: 'Town centre, first quarter', config: CONFIG },
    });
    expect(created.status).toBe(201);
    const view = (await created.json()) as { id: string; config: unknown; createdBy: string };
    expect(view.config).toEqual(CONFIG);
    expect(view.createdBy).toBe('Test chair');

    const viewer = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    const shared = await request(app, 'GET', `/api/views/${view.id}`, { cookie: viewer });
    expect(shared.status).toBe(200);
    expect(((await shared.json()) as { config: unknown }).config).toEqual(CONFIG);
    expect((await request(app, 'POST', '/api/views', { cookie: viewer, json: {} })).status).toBe(
      403,
    );

    const meeting = (await (
      await request(app, 'POST', '/api/meetings', {
        cookie: chair,
        json: { title: 'March', startsAt: '2025-03-03T10:00:00Z', online: true },
      })
    ).json()) as { id: string };
    const agenda = (await (
      await request(app, 'POST', `/api/meetings/${meeting.id}/agenda/items`, {
        cookie: chair,
        json: { title: 'The town centre', viewId: view.id },
      })
    ).json()) as { items: { id: string; viewId: string | null }[] };
    expect(agenda.items.map((i) => i.viewId)).toEqual([view.id]);

    const other = await seedPartnership(deps, { slug: 'other-csp' });
    const otherChair = await signIn(app, other.users.chair.email, other.users.chair.password);
    expect(
      (await request(app, 'GET', `/api/views/${view.id}`, { cookie: otherChair })).status,
    ).toBe(404);
  });
});
