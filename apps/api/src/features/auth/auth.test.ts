import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
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

describe.each(testDatabases())('sign-in and sessions on $kind', (target) => {
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

  it('signs in, answers /me, and sets a strict HttpOnly cookie', async () => {
    const { analyst } = seed.users;
    const login = await request(app, 'POST', '/api/auth/login', {
      json: { email: analyst.email.toUpperCase(), password: analyst.password },
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({ mfaRequired: false, enrolmentRequired: false });
    const setCookie = login.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/^session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/m);
    const me = await request(app, 'GET', '/api/auth/me', { cookie: sessionCookieFrom(login)! });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      id: analyst.id,
      email: analyst.email,
      name: 'Test analyst',
      role: 'analyst',
      agency: { id: seed.agencies.POL, code: 'POL', name: 'West Mercia Police' },
      mfaEnrolled: false,
      partnership: {
        id: seed.partnershipId,
        name: 'Test partnership test-csp',
        synthetic: false,
        mfaRequired: false,
      },
    });
  });

  it('uses the __Host- prefix and Secure when the public origin is https', async () => {
    const secure = createTestApp(db, {
      clock,
      env: { PUBLIC_ORIGIN: 'https://hotspots.example.org' },
    });
    const login = await request(secure.app, 'POST', '/api/auth/login', {
      json: { email: seed.users.viewer.email, password: seed.users.viewer.password },
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie().join('\n')).toMatch(
      /^__Host-session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/m,
    );
  });

  it('issues a new session id at sign-in and ends the one the browser arrived with (no fixation)', async () => {
    const { chair } = seed.users;
    const first = await signIn(app, chair.email, chair.password);
    const second = await request(app, 'POST', '/api/auth/login', {
      cookie: first,
      json: { email: chair.email, password: chair.password },
    });
    const secondCookie = sessionCookieFrom(second)!;
    expect(secondCookie).not.toEqual(first);
    expect((await request(app, 'GET', '/api/auth/me', { cookie: first })).status).toBe(401);
    expect((await request(app, 'GET', '/api/auth/me', { cookie: secondCookie })).status).toBe(200);
    // A cookie value an attacker planted is never adopted.
    const planted = await request(app, 'POST', '/api/auth/login', {
      cookie: 'session=attacker-chosen-value',
      json: { email: chair.email, password: chair.password },
    });
    expect(sessionCookieFrom(planted)).not.toBe('session=attacker-chosen-value');
  });

  it('answers an unknown email exactly as a wrong password, with a problem', async () => {
    const wrong = await request(app, 'POST', '/api/auth/login', {
      json: { email: seed.users.partner.email, password: 'not-the-password-at-all' },
    });
    const unknown = await request(app, 'POST', '/api/auth/login', {
      json: { email: 'nobody@test-csp.test', password: 'not-the-password-at-all' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip((await wrong.json()) as Record<string, unknown>)).toEqual(
      strip((await unknown.json()) as Record<string, unknown>),
    );
    expect(sessionCookieFrom(wrong)).toBeUndefined();
  });

  it('ends a session after 30 idle minutes, and keeps an active one alive', async () => {
    const cookie = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    clock.advance(29 * 60_000);
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    clock.advance(29 * 60_000);
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    clock.advance(30 * 60_000);
    const expired = await request(app, 'GET', '/api/auth/me', { cookie });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({
      type: 'urn:problem:unauthenticated',
      reason: 'expired',
    });
    expect(expired.headers.getSetCookie().join()).toMatch(
      /^session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/,
    );
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const cookie = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    for (let elapsed = 20; elapsed < 12 * 60; elapsed += 20) {
      clock.advance(20 * 60_000);
      expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    }
    clock.advance(20 * 60_000);
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('signs out: the cookie no longer works', async () => {
    const cookie = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    const out = await request(app, 'POST', '/api/auth/logout', { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/session=;/);
    expect((await request(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('refuses state-changing requests from another origin or with no origin (CSRF)', async () => {
    const cookie = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      {},
    ];
    for (const headers of foreign) {
      const res = await request(app, 'POST', '/api/auth/logout', {
        cookie,
        noOrigin: true,
        headers,
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ type: 'urn:problem:csrf', status: 403 });
    }
    const crossSiteLogin = await request(app, 'POST', '/api/auth/login', {
      noOrigin: true,
      headers: { 'sec-fetch-site': 'cross-site' },
      json: { email: seed.users.viewer.email, password: seed.users.viewer.password },
    });
    expect(crossSiteLogin.status).toBe(403);
    // Same-origin fetch without Origin (allowed by Fetch metadata) still works.
    const sameOrigin = await request(app, 'GET', '/api/auth/me', { cookie, noOrigin: true });
    expect(sameOrigin.status).toBe(200);
    const viaFetchMetadata = await request(app, 'POST', '/api/auth/logout', {
      cookie,
      noOrigin: true,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(viaFetchMetadata.status).toBe(204);
  });

  it('takes the expected origin from configuration, never from the Host header (CSRF)', async () => {
    const cookie = await signIn(app, seed.users.viewer.email, seed.users.viewer.password);
    // The attacker's own host names itself in Host and Origin alike: still foreign.
    const spoofed = await app.request('http://evil.example/api/auth/logout', {
      method: 'POST',
      headers: { host: 'evil.example', origin: 'http://evil.example', cookie },
    });
    expect(spoofed.status).toBe(403);
    expect(await spoofed.json()).toMatchObject({ type: 'urn:problem:csrf' });
    // Over a real socket on a random port: the listening port counts, the Host header does not.
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const post = (origin: string, host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, method: 'POST', path: '/api/auth/logout' },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.setHeader('host', host);
          req.setHeader('origin', origin);
          req.setHeader('cookie', cookie);
          req.end();
        });
      expect(await post('http://evil.example', 'evil.example')).toBe(403);
      expect(await post(`http://evil.example:${port}`, `evil.example:${port}`)).toBe(403);
      expect(await post(`http://127.0.0.1:${port}`, 'evil.example')).toBe(204);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers a body of an unsupported media type with 415, not 500', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await request(app, 'POST', '/api/auth/login', {
        body: 'email=a%40b.c&password=x',
        headers: { 'content-type': contentType },
      });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({
        type: 'urn:problem:unsupported-media-type',
        detail: expect.stringContaining('application/json'),
      });
    }
  });

  it('turns malformed JSON, unknown fields and wrong types into problems', async () => {
    const malformed = await request(app, 'POST', '/api/auth/login', { body: '{"email": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    const unknownField = await request(app, 'POST', '/api/auth/login', {
      json: { email: 'a@b.c', password: 'x', admin: true },
    });
    expect(unknownField.status).toBe(422);
    expect(await unknownField.json()).toMatchObject({ type: 'urn:problem:validation' });
    const wrongType = await request(app, 'POST', '/api/auth/login', {
      json: { email: 42, password: ['x'] },
    });
    expect(wrongType.status).toBe(422);
    const body = (await wrongType.json()) as { errors: { pointer: string }[] };
    expect(body.errors.map((e) => e.pointer).sort()).toEqual(['/body/email', '/body/password']);
  });

  it('changes the password: old one refused, other sessions end, this one continues', async () => {
    const { partner } = seed.users;
    const other = await signIn(app, partner.email, partner.password);
    const mine = await signIn(app, partner.email, partner.password);
    const weak = await request(app, 'POST', '/api/auth/password', {
      cookie: mine,
      json: { currentPassword: partner.password, newPassword: 'password1234' },
    });
    expect(weak.status).toBe(422);
    const wrongCurrent = await request(app, 'POST', '/api/auth/password', {
      cookie: mine,
      json: { currentPassword: 'not-my-password-really', newPassword: 'Lantern-ferret-cobble-93' },
    });
    expect(wrongCurrent.status).toBe(422);
    const changed = await request(app, 'POST', '/api/auth/password', {
      cookie: mine,
      json: { currentPassword: partner.password, newPassword: 'Lantern-ferret-cobble-93' },
    });
    expect(changed.status).toBe(204);
    const rotated = sessionCookieFrom(changed)!;
    expect((await request(app, 'GET', '/api/auth/me', { cookie: rotated })).status).toBe(200);
    expect((await request(app, 'GET', '/api/auth/me', { cookie: other })).status).toBe(401);
    const oldPassword = await request(app, 'POST', '/api/auth/login', {
      json: { email: partner.email, password: partner.password },
    });
    expect(oldPassword.status).toBe(401);
    await signIn(app, partner.email, 'Lantern-ferret-cobble-93');
  });
});
