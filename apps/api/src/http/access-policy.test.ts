import { ROLES, type Role } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.ts';
import {
  createTestApp,
  request,
  type SeededPartnership,
  seedPartnership,
  sessionCookieFrom,
  signIn,
  type TestApp,
} from '../testing/fixtures.ts';
import { policyKey, ROUTE_POLICY, type RoutePolicy, STATIC_ROUTE_PATHS } from './access-policy.ts';

/** Every endpoint of the app (the SPA/static handlers aside), from Hono's own route list. */
function endpointsOf(app: TestApp): { method: string; path: string }[] {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || STATIC_ROUTE_PATHS.has(r.path)) continue;
    seen.set(policyKey(r.method, r.path), { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

/** A concrete URL for a pattern: ids that exist nowhere, codes that match the patterns. */
function concrete(path: string): string {
  return path
    .replace(/:id\b/g, '00000000-0000-4000-8000-000000000000')
    .replace(/:[A-Za-z]+/g, 'no-such-code');
}

type Expected = 'allow' | 'unauthenticated' | 'forbidden';

function expectedFor(policy: RoutePolicy, role: Role | null): Expected {
  if ('public' in policy) return 'allow';
  if (role === null) return 'unauthenticated';
  return policy.roles.includes(role) ? 'allow' : 'forbidden';
}

function outcomeOf(status: number): Expected {
  return status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'allow';
}

describe.each(testDatabases())('route x role matrix on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let mfaSeed: SeededPartnership;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db));
    seed = await seedPartnership(deps);
    mfaSeed = await seedPartnership(deps, { slug: 'mfa-csp', mfaRequired: true });
  });
  afterAll(async () => {
    await db.close();
  });

  it('has a policy entry for every route, and no entry for a route that does not exist', () => {
    const keys = endpointsOf(app).map((e) => policyKey(e.method, e.path));
    const missing = keys.filter((k) => !(k in ROUTE_POLICY));
    expect(missing, 'routes without an entry in ROUTE_POLICY').toEqual([]);
    const stale = Object.keys(ROUTE_POLICY).filter((k) => !keys.includes(k));
    expect(stale, 'ROUTE_POLICY entries for routes that do not exist').toEqual([]);
  });

  it('documents every API route in the OpenAPI document', async () => {
    const res = await request(app, 'GET', '/api/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => policyKey(m, path.replace(/\{([^}]+)\}/g, ':$1'))),
      ),
    );
    const undocumented = endpointsOf(app)
      .map((e) => policyKey(e.method, e.path))
      .filter((k) => !documented.has(k) && k !== 'GET /api/openapi.json');
    expect(undocumented).toEqual([]);
  });

  it('keeps users, settings and the audit trail to admins only (DESIGN.md section 5)', () => {
    for (const [key, policy] of Object.entries(ROUTE_POLICY)) {
      if (/ \/api\/(admin|audit)(\/|$)/.test(key)) {
        expect(policy, key).toEqual({ roles: ['admin'] });
      }
    }
  });

  it('allows or refuses each route for each role and for no session exactly as ROUTE_POLICY says', async () => {
    const mismatches: string[] = [];
    // One session per role, reused: signing in for each of several hundred requests was most
    // of this file's time.
    const sessions = new Map<Role, string>();
    for (const endpoint of endpointsOf(app)) {
      const key = policyKey(endpoint.method, endpoint.path);
      const policy = ROUTE_POLICY[key];
      if (!policy) continue; // reported by the first test
      for (const role of [null, ...ROLES] as const) {
        let cookie: string | undefined;
        if (role) {
          cookie =
            sessions.get(role) ??
            (await signIn(app, seed.users[role].email, seed.users[role].password));
          sessions.set(role, cookie);
        }
        const res = await request(app, endpoint.method, concrete(endpoint.path), {
          cookie,
          ...(endpoint.method === 'GET' ? {} : { json: {} }),
        });
        // The sign-in routes (sign-out, password, second factor) may end or replace the
        // session: the next request signs in afresh. A session ended anywhere else would show
        // as a 401 where a role is expected, so it cannot pass unnoticed.
        if (role && endpoint.path.startsWith('/api/auth/')) sessions.delete(role);
        const expected = expectedFor(policy, role);
        const actual = outcomeOf(res.status);
        if (actual !== expected)
          mismatches.push(
            `${key} as ${role ?? 'no session'}: expected ${expected}, got ${res.status}`,
          );
        if (actual !== 'allow')
          expect(res.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('lets a session awaiting its second factor reach only the sign-in routes', async () => {
    const { viewer } = mfaSeed.users;
    const mismatches: string[] = [];
    let pending: string | undefined;
    for (const endpoint of endpointsOf(app)) {
      const key = policyKey(endpoint.method, endpoint.path);
      const policy = ROUTE_POLICY[key];
      if (!policy) continue;
      if (!pending) {
        const login = await request(app, 'POST', '/api/auth/login', {
          json: { email: viewer.email, password: viewer.password },
        });
        expect(await login.json()).toMatchObject({ mfaRequired: true });
        pending = sessionCookieFrom(login)!;
      }
      const res = await request(app, endpoint.method, concrete(endpoint.path), {
        cookie: pending,
        ...(endpoint.method === 'GET' ? {} : { json: {} }),
      });
      // As above: only the sign-in routes may end the pending session.
      if (endpoint.path.startsWith('/api/auth/')) pending = undefined;
      const admitted = 'public' in policy || policy.pendingSession === true;
      if ((res.status === 401) === admitted) mismatches.push(`${key}: got ${res.status}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses a route that has no policy entry, for every role', async () => {
    const { OpenAPIHono } = await import('@hono/zod-openapi');
    const { createApp } = await import('../app.ts');
    const extended = createApp(deps) as unknown as InstanceType<typeof OpenAPIHono>;
    // Registered after the policy middleware, like any later feature.
    extended.get('/api/unlisted', (c) => c.json({ secret: true }));
    const cookie = await signIn(
      extended as never,
      seed.users.admin.email,
      seed.users.admin.password,
    );
    const res = await request(extended as never, 'GET', '/api/unlisted', { cookie });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('secret');
  });
});
