import { randomUUID } from 'node:crypto';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  request,
  signIn,
  TEST_PASSWORD_HASH,
  type TestApp,
} from '../../testing/fixtures.ts';
import { ensureDemo } from '../demo/index.ts';

// The meeting screen is projected to partners: an analyst presenting gets what a viewer gets.
describe.each(testDatabases())('layers for the meeting screen on $kind', (target) => {
  let app: TestApp;
  let deps: AppDeps;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    ({ app, deps } = createTestApp(await target.open()));
    const demo = await ensureDemo(
      {
        db: deps.db,
        clock: deps.clock,
        newId: randomUUID,
        passwordHashOptions: TEST_PASSWORD_HASH,
      },
      { recordCount: 1500 },
    );
    for (const u of demo.users) cookies[u.role] = await signIn(app, u.email, u.password);
  });
  afterAll(async () => {
    await deps.db.close();
  });

  it.each([
    '/api/layers/hexagons?sizeMeters=500&from=2020-01-01',
    '/api/layers/hexagons?sizeMeters=250&statistic=gistar&from=2020-01-01',
    '/api/layers/density?from=2020-01-01',
    '/api/layers/hotspots?from=2020-01-01',
  ])('serves an analyst %s with audience=meeting exactly as a viewer sees it', async (path) => {
    const asViewer = await request(app, 'GET', path, { cookie: cookies.viewer });
    const asMeeting = await request(app, 'GET', `${path}&audience=meeting`, {
      cookie: cookies.analyst,
    });
    const asAnalyst = await request(app, 'GET', path, { cookie: cookies.analyst });
    expect(asViewer.status, await asViewer.clone().text()).toBe(200);
    expect(asMeeting.status).toBe(200);
    const viewerBody = await asViewer.text();
    expect(await asMeeting.text()).toBe(viewerBody);
    if (path.includes('statistic') || path.includes('hexagons')) {
      // Without it the analyst gets exact counts the viewer does not.
      expect(await asAnalyst.text()).not.toBe(viewerBody);
    }
  });
});
