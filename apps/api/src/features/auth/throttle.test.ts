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
  type TestApp,
  type TestClock,
} from '../../testing/fixtures.ts';
import { ADDRESS_RULE, addressKey, failureDelayMs, recordFailure } from './throttle.ts';

describe('progressive delay', () => {
  it('grows from nothing to a 2 s cap', () => {
    expect([1, 2, 3, 4, 5, 9].map(failureDelayMs)).toEqual([0, 200, 400, 800, 1600, 2000]);
  });
});

describe.each(testDatabases())('sign-in throttling on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let clock: TestClock;
  let seed: SeededPartnership;

  beforeAll(async () => {
    db = await target.open();
    clock = createTestClock();
    ({ app, deps } = createTestApp(db, { clock }));
    seed = await seedPartnership(deps);
  });
  afterAll(async () => {
    await db.close();
  });

  const login = (email: string, password: string) =>
    request(app, 'POST', '/api/auth/login', { json: { email, password } });

  it('locks an account for 15 minutes after 5 wrong passwords, even against the right one', async () => {
    const { analyst } = seed.users;
    for (let i = 0; i < 5; i++)
      expect((await login(analyst.email, 'wrong-password-guess')).status).toBe(401);
    const locked = await login(analyst.email, analyst.password);
    expect(locked.status).toBe(429);
    expect(await locked.json()).toMatchObject({ type: 'urn:problem:too-many-requests' });
    expect(locked.headers.get('retry-after')).toBe('900');
    clock.advance(14 * 60_000);
    expect((await login(analyst.email, analyst.password)).status).toBe(429);
    clock.advance(60_000);
    expect((await login(analyst.email, analyst.password)).status).toBe(200);
  });

  it('locks an unknown email exactly like a real one, so a lock reveals nothing', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login('ghost@test-csp.test', 'wrong-password-guess')).status).toBe(401);
    expect((await login('ghost@test-csp.test', 'wrong-password-guess')).status).toBe(429);
  });

  it('resets the count after a successful sign-in', async () => {
    const { chair } = seed.users;
    for (let i = 0; i < 4; i++) await login(chair.email, 'wrong-password-guess');
    expect((await login(chair.email, chair.password)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await login(chair.email, 'wrong-password-guess')).status).toBe(401);
    expect((await login(chair.email, chair.password)).status).toBe(200);
  });

  it('locks an address after many failures across accounts', async () => {
    clock.advance(60 * 60_000);
    for (let i = 0; i < ADDRESS_RULE.maxFailures; i++)
      await recordFailure(deps, addressKey(null), ADDRESS_RULE);
    expect((await login(seed.users.viewer.email, seed.users.viewer.password)).status).toBe(429);
    clock.advance(16 * 60_000);
    expect((await login(seed.users.viewer.email, seed.users.viewer.password)).status).toBe(200);
  });

  it('counts concurrent failures without losing any (several API processes)', async () => {
    const key = 'account:concurrency-probe';
    const counts = await Promise.all(
      Array.from({ length: 20 }, () =>
        recordFailure(deps, key, { maxFailures: 100, windowMs: 60_000, lockMs: 60_000 }),
      ),
    );
    expect(Math.max(...counts)).toBe(20);
  });
});
