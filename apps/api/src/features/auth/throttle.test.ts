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
  sessionCookieFrom,
  type TestApp,
  type TestClock,
} from '../../testing/fixtures.ts';
import { verifyPassword } from './passwords.ts';
import {
  ACCOUNT_CEILING_RULE,
  ADDRESS_RULE,
  accountKey,
  addressKey,
  countAttempt,
  failureDelayMs,
  PAIR_DAY_RULE,
  PAIR_RULE,
  SECOND_FACTOR_RULE,
} from './throttle.ts';

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
  let mfaSeed: SeededPartnership;
  /** Password checks actually made, by the hash checked. */
  const verified: string[] = [];
  /** Backoff delays asked for (the injected sleeper records them instead of sleeping). */
  const slept: number[] = [];

  beforeAll(async () => {
    db = await target.open();
    clock = createTestClock();
    ({ app, deps } = createTestApp(db, {
      clock,
      // Addresses come from X-Forwarded-For, so each test can speak from its own.
      env: { TRUST_PROXY_HOPS: '1' },
      sleep: async (ms) => {
        slept.push(ms);
      },
      verifyPassword: (hash, password) => {
        verified.push(hash);
        return verifyPassword(hash, password);
      },
    }));
    seed = await seedPartnership(deps);
    mfaSeed = await seedPartnership(deps, { slug: 'mfa-csp', mfaRequired: true });
  });
  afterAll(async () => {
    await db.close();
  });

  const login = (email: string, password: string, from = '192.0.2.1') =>
    request(app, 'POST', '/api/auth/login', {
      json: { email, password },
      headers: { 'x-forwarded-for': from },
    });

  /** Each test starts in a quiet hour: every 15-minute and daily window has passed. */
  const nextDay = () => clock.advance(25 * 60 * 60_000);

  it('refuses the sixth attempt of a pair for 15 minutes, even with the right password', async () => {
    nextDay();
    const { analyst } = seed.users;
    for (let i = 0; i < PAIR_RULE.maxAttempts; i++)
      expect((await login(analyst.email, 'wrong-password-guess')).status).toBe(401);
    const before = verified.length;
    const locked = await login(analyst.email, analyst.password);
    expect(locked.status).toBe(429);
    expect(verified.length).toBe(before);
    expect(await locked.json()).toMatchObject({ type: 'urn:problem:too-many-requests' });
    expect(locked.headers.get('retry-after')).toBe('900');
    clock.advance(14 * 60_000);
    expect((await login(analyst.email, analyst.password)).status).toBe(429);
    clock.advance(60_000);
    expect((await login(analyst.email, analyst.password)).status).toBe(200);
  });

  it('backs off through the injected sleeper, growing with each failure of the pair', async () => {
    nextDay();
    slept.length = 0;
    for (let i = 0; i < 5; i++) await login(seed.users.viewer.email, 'wrong-password-guess');
    expect(slept).toEqual([0, 200, 400, 800, 1600]);
  });

  it('refuses an unknown email exactly like a real one, so a refusal reveals nothing', async () => {
    nextDay();
    for (let i = 0; i < PAIR_RULE.maxAttempts; i++)
      expect((await login('ghost@test-csp.test', 'wrong-password-guess')).status).toBe(401);
    expect((await login('ghost@test-csp.test', 'wrong-password-guess')).status).toBe(429);
  });

  it('starts the pair afresh after a successful sign-in', async () => {
    nextDay();
    const { chair } = seed.users;
    for (let i = 0; i < 4; i++) await login(chair.email, 'wrong-password-guess');
    expect((await login(chair.email, chair.password)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await login(chair.email, 'wrong-password-guess')).status).toBe(401);
    expect((await login(chair.email, chair.password)).status).toBe(200);
  });

  it('refuses an address after many attempts across accounts', async () => {
    nextDay();
    for (let i = 0; i < ADDRESS_RULE.maxAttempts; i++)
      await countAttempt(deps, addressKey('192.0.2.50'), ADDRESS_RULE);
    const { viewer } = seed.users;
    expect((await login(viewer.email, viewer.password, '192.0.2.50')).status).toBe(429);
    expect((await login(viewer.email, viewer.password, '192.0.2.51')).status).toBe(200);
    clock.advance(15 * 60_000);
    expect((await login(viewer.email, viewer.password, '192.0.2.50')).status).toBe(200);
  });

  it('evaluates at most the limit of 200 parallel sign-in attempts on one account', async () => {
    nextDay();
    const { partner } = seed.users;
    const before = verified.length;
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => login(partner.email, 'wrong-password-guess', '192.0.2.7')),
    );
    const statuses = responses.map((r) => r.status);
    const evaluated = verified.length - before;
    expect(evaluated).toBe(PAIR_RULE.maxAttempts);
    expect(statuses.filter((s) => s === 401)).toHaveLength(evaluated);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - evaluated);
    // The right password from the same address waits out the window like everyone else.
    expect((await login(partner.email, partner.password, '192.0.2.7')).status).toBe(429);
  });

  it("does not lock a colleague out with a stranger's failures from another address", async () => {
    nextDay();
    const { analyst } = seed.users;
    // A burst, then hours of patient guessing from one address, past the pair's daily limit.
    await Promise.all(
      Array.from({ length: 200 }, () =>
        login(analyst.email, 'wrong-password-guess', '203.0.113.9'),
      ),
    );
    expect((await login(analyst.email, analyst.password, '198.51.100.7')).status).toBe(200);
    for (let quarter = 0; quarter < 8; quarter++) {
      clock.advance(15 * 60_000);
      await Promise.all(
        Array.from({ length: PAIR_RULE.maxAttempts }, () =>
          login(analyst.email, 'wrong-password-guess', '203.0.113.9'),
        ),
      );
    }
    expect((await login(analyst.email, analyst.password, '198.51.100.7')).status).toBe(200);
    // One address never brings the account nearer its ceiling than the pair's daily limit.
    const ceiling = await db.kysely
      .selectFrom('login_throttle')
      .select('attempts')
      .where('key', '=', accountKey(analyst.email))
      .executeTakeFirstOrThrow();
    expect(ceiling.attempts).toBeLessThanOrEqual(PAIR_DAY_RULE.maxAttempts);
  });

  it('refuses an account for everyone past its slower ceiling (guessing from many addresses)', async () => {
    nextDay();
    const { viewer } = seed.users;
    const perAddress = PAIR_RULE.maxAttempts;
    const addresses = Math.ceil(ACCOUNT_CEILING_RULE.maxAttempts / perAddress);
    expect(perAddress).toBeLessThanOrEqual(PAIR_DAY_RULE.maxAttempts);
    const before = verified.length;
    for (let a = 0; a < addresses; a++) {
      await Promise.all(
        Array.from({ length: perAddress }, () =>
          login(viewer.email, 'wrong-password-guess', `198.18.0.${a + 1}`),
        ),
      );
    }
    expect(verified.length - before).toBe(ACCOUNT_CEILING_RULE.maxAttempts);
    const refused = await login(viewer.email, viewer.password, '198.18.1.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(23 * 60 * 60);
  });

  it('checks at most the limit of 41 parallel second-factor codes in one pending session', async () => {
    nextDay();
    const { viewer } = mfaSeed.users;
    const pending = await login(viewer.email, viewer.password, '192.0.2.88');
    expect(await pending.json()).toMatchObject({ mfaRequired: true });
    const cookie = sessionCookieFrom(pending)!;
    const responses = await Promise.all(
      Array.from({ length: 41 }, (_, i) =>
        request(app, 'POST', '/api/auth/mfa', {
          cookie,
          json: { code: String(100000 + i) },
          headers: { 'x-forwarded-for': '192.0.2.88' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    // Every checked code is audited as failed (or ok); every refused one as locked.
    const outcomes = await db.kysely
      .selectFrom('audit_event')
      .select(['outcome', (eb) => eb.fn.countAll<string>().as('n')])
      .where('action', '=', 'second-factor')
      .where('actor_user_id', '=', viewer.id)
      .groupBy('outcome')
      .execute();
    const count = (outcome: string) => Number(outcomes.find((o) => o.outcome === outcome)?.n ?? 0);
    const checked = count('failed') + count('ok');
    expect(checked).toBeLessThanOrEqual(SECOND_FACTOR_RULE.maxAttempts);
    expect(statuses.filter((s) => s === 422)).toHaveLength(count('failed'));
    expect(count('locked')).toBe(41 - checked);
    expect(statuses.filter((s) => s === 429)).toHaveLength(41 - checked);
  });

  it('counts concurrent attempts without losing any (several API processes)', async () => {
    const key = 'account:concurrency-probe';
    const counts = await Promise.all(
      Array.from({ length: 20 }, () =>
        countAttempt(deps, key, { maxAttempts: 100, windowMs: 60_000 }),
      ),
    );
    expect(counts.map((c) => c.attempts).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });
});
