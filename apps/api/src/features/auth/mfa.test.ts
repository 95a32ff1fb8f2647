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
  signIn,
  type TestApp,
  type TestClock,
} from '../../testing/fixtures.ts';
import { totpCodeAt } from './mfa.ts';

const STEP_MS = 30_000;

describe.each(testDatabases())('second factor on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let clock: TestClock;
  let seed: SeededPartnership;

  beforeAll(async () => {
    db = await target.open();
    clock = createTestClock();
    ({ app, deps } = createTestApp(db, { clock }));
    seed = await seedPartnership(deps, { mfaRequired: true });
  });
  afterAll(async () => {
    await db.close();
  });

  async function pendingSession(email: string, password: string) {
    const login = await request(app, 'POST', '/api/auth/login', { json: { email, password } });
    expect(login.status).toBe(200);
    return {
      cookie: sessionCookieFrom(login)!,
      body: (await login.json()) as { mfaRequired: boolean; enrolmentRequired: boolean },
    };
  }

  it('asks for a TOTP code, accepts one from the authenticator, and rotates the session', async () => {
    const { analyst } = seed.users;
    const { cookie, body } = await pendingSession(analyst.email, analyst.password);
    expect(body).toEqual({ mfaRequired: true, enrolmentRequired: false });
    expect((await request(app, 'GET', '/api/partnership', { cookie })).status).toBe(401);
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    const wrong = await request(app, 'POST', '/api/auth/mfa', { cookie, json: { code: '000000' } });
    expect(wrong.status).toBe(422);
    const ok = await request(app, 'POST', '/api/auth/mfa', {
      cookie,
      json: { code: totpCodeAt(analyst.totpSecret!, clock()) },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: analyst.id, mfaEnrolled: true });
    const full = sessionCookieFrom(ok)!;
    expect(full).not.toBe(cookie);
    expect((await request(app, 'GET', '/api/partnership', { cookie: full })).status).toBe(200);
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('accepts a code one step either side (clock drift) but not two', async () => {
    const { chair } = seed.users;
    clock.advance(10 * STEP_MS);
    const early = await pendingSession(chair.email, chair.password);
    const twoBehind = totpCodeAt(chair.totpSecret!, new Date(clock().getTime() - 2 * STEP_MS));
    expect(
      (
        await request(app, 'POST', '/api/auth/mfa', {
          cookie: early.cookie,
          json: { code: twoBehind },
        })
      ).status,
    ).toBe(422);
    const oneBehind = totpCodeAt(chair.totpSecret!, new Date(clock().getTime() - STEP_MS));
    expect(
      (
        await request(app, 'POST', '/api/auth/mfa', {
          cookie: early.cookie,
          json: { code: oneBehind },
        })
      ).status,
    ).toBe(200);
  });

  it('refuses a code that was already used (replay)', async () => {
    const { viewer } = seed.users;
    clock.advance(10 * STEP_MS);
    const code = totpCodeAt(viewer.totpSecret!, clock());
    const first = await pendingSession(viewer.email, viewer.password);
    expect(
      (await request(app, 'POST', '/api/auth/mfa', { cookie: first.cookie, json: { code } }))
        .status,
    ).toBe(200);
    const second = await pendingSession(viewer.email, viewer.password);
    expect(
      (await request(app, 'POST', '/api/auth/mfa', { cookie: second.cookie, json: { code } }))
        .status,
    ).toBe(422);
  });

  it('enrols with a QR code and recovery codes, each recovery code working once', async () => {
    const { partner } = seed.users;
    const admin = await signIn(app, seed.users.admin.email, seed.users.admin.password, {
      totpSecret: seed.users.admin.totpSecret,
      at: clock(),
    });
    expect(
      (await request(app, 'POST', `/api/admin/users/${partner.id}/reset-mfa`, { cookie: admin }))
        .status,
    ).toBe(204);

    const { cookie, body } = await pendingSession(partner.email, partner.password);
    expect(body).toEqual({ mfaRequired: true, enrolmentRequired: true });
    // The pending session can enrol, nothing else.
    expect(
      (await request(app, 'POST', '/api/auth/mfa', { cookie, json: { code: '123456' } })).status,
    ).toBe(409);
    expect((await request(app, 'GET', '/api/partnership', { cookie })).status).toBe(401);
    const enrol = await request(app, 'POST', '/api/auth/mfa/enrol', { cookie });
    expect(enrol.status).toBe(200);
    const enrolment = (await enrol.json()) as {
      secret: string;
      otpauthUri: string;
      qrCode: string;
      recoveryCodes: string[];
    };
    expect(enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
    expect(enrolment.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(enrolment.qrCode.split(',')[1]!, 'base64').toString()).toContain('<svg');
    expect(enrolment.recoveryCodes).toHaveLength(10);
    expect(new Set(enrolment.recoveryCodes).size).toBe(10);
    const stored = await db.kysely
      .selectFrom('recovery_code')
      .select('code_hash')
      .where('user_id', '=', partner.id)
      .execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(enrolment.recoveryCodes[0]);

    const confirmWrong = await request(app, 'POST', '/api/auth/mfa/enrol/confirm', {
      cookie,
      json: { code: '000000' },
    });
    expect(confirmWrong.status).toBe(422);
    const confirm = await request(app, 'POST', '/api/auth/mfa/enrol/confirm', {
      cookie,
      json: { code: totpCodeAt(enrolment.secret, clock()) },
    });
    expect(confirm.status).toBe(200);
    const full = sessionCookieFrom(confirm)!;
    expect((await request(app, 'GET', '/api/partnership', { cookie: full })).status).toBe(200);
    // Enrolled: a second enrolment (e.g. from a stolen password) is refused.
    const again = await pendingSession(partner.email, partner.password);
    expect(again.body).toEqual({ mfaRequired: true, enrolmentRequired: false });
    expect(
      (await request(app, 'POST', '/api/auth/mfa/enrol', { cookie: again.cookie })).status,
    ).toBe(409);

    const recovery = enrolment.recoveryCodes[3]!;
    const used = await request(app, 'POST', '/api/auth/mfa', {
      cookie: again.cookie,
      json: { code: recovery.toUpperCase() },
    });
    expect(used.status).toBe(200);
    const third = await pendingSession(partner.email, partner.password);
    expect(
      (
        await request(app, 'POST', '/api/auth/mfa', {
          cookie: third.cookie,
          json: { code: recovery },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await request(app, 'POST', '/api/auth/mfa', {
          cookie: third.cookie,
          json: { code: enrolment.recoveryCodes[4]! },
        })
      ).status,
    ).toBe(200);
  });

  it('lets a session awaiting its second factor live 10 minutes only', async () => {
    const { chair } = seed.users;
    clock.advance(10 * STEP_MS);
    const { cookie } = await pendingSession(chair.email, chair.password);
    clock.advance(10 * 60_000);
    const late = await request(app, 'POST', '/api/auth/mfa', {
      cookie,
      json: { code: totpCodeAt(chair.totpSecret!, clock()) },
    });
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ reason: 'expired' });
  });

  it('locks the second factor after 5 wrong codes', async () => {
    const { admin } = seed.users;
    clock.advance(10 * STEP_MS);
    const { cookie } = await pendingSession(admin.email, admin.password);
    for (let i = 0; i < 5; i++) {
      expect(
        (await request(app, 'POST', '/api/auth/mfa', { cookie, json: { code: '999999' } })).status,
      ).toBe(422);
    }
    const locked = await request(app, 'POST', '/api/auth/mfa', {
      cookie,
      json: { code: totpCodeAt(admin.totpSecret!, clock()) },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
