import { createDb } from '@hotspot/db';
import { startTcpProxy, testDatabases } from '@hotspot/db/testing';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from './deps.ts';
import { EnvError, loadEnv } from './env.ts';
import { createErrorHandler } from './http/errors.ts';
import {
  createTestApp,
  request,
  seedPartnership,
  signIn,
  type TestApp,
} from './testing/fixtures.ts';

describe('environment', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(8787);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.SEED_DEMO).toBe(true);
  });

  it('names every invalid variable', () => {
    expect(() => loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(EnvError);
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });
});

describe('error handler', () => {
  it('answers an unexpected error with a 500 problem that carries no internals', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const app = new Hono()
      .use(requestId())
      .get('/boom', () => {
        throw new Error('secret internal detail: relation "app_user" password_hash');
      })
      .onError(createErrorHandler(logger));
    const response = await app.request('/boom');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    expect(text).not.toMatch(/secret|password_hash|app_user/);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ type: 'urn:problem:internal', status: 500 });
    expect(body.instance).toMatch(/^urn:request:/);
    expect(lines.join('')).not.toMatch(/secret internal detail/);
  });
});

describe.each(testDatabases())('HTTP foundation on $kind', (target) => {
  let app: TestApp;
  let deps: AppDeps;
  let cookie: string;
  beforeAll(async () => {
    const db = await target.open();
    ({ app, deps } = createTestApp(db));
    const seeded = await seedPartnership(deps);
    cookie = await signIn(app, seeded.users.analyst.email, seeded.users.analyst.password);
  });
  afterAll(async () => {
    await deps.db.close();
  });

  it('reports health with the database kind and PostGIS version', async () => {
    const response = await app.request('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      database: target.kind,
      postgis: expect.stringMatching(/^3\.\d+/),
    });
  });

  it('sets strict security headers and a request id', async () => {
    const response = await app.request('/api/health');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toMatch(/\S{8,}/);
  });

  it('answers unknown routes with 404 and wrong methods with 405, as problem+json', async () => {
    const missing = await request(app, 'GET', '/api/no-such-thing', { cookie });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ type: 'urn:problem:not-found', status: 404 });
    const wrongMethod = await request(app, 'DELETE', '/api/health', { cookie });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await wrongMethod.json()).toMatchObject({ type: 'urn:problem:method-not-allowed' });
  });

  it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
    const malformed = await request(app, 'POST', '/api/auth/login', { body: '{"email": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    const huge = await request(app, 'POST', '/api/auth/login', {
      body: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ type: 'urn:problem:too-large' });
  });

  it('answers invalid query parameters with 422 naming the parameter', async () => {
    const response = await request(app, 'GET', '/api/boundaries?kind=county', { cookie });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { type: string; errors: unknown };
    expect(body.type).toBe('urn:problem:validation');
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/query/kind' })]);
  });

  it('documents every route in the OpenAPI document', async () => {
    const response = await app.request('/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map(
          (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      ),
    );
    const routes = app.routes
      .filter(
        (r) => r.method !== 'ALL' && r.path.startsWith('/api/') && r.path !== '/api/openapi.json',
      )
      .map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(3);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('serves boundaries to a signed-in user only', async () => {
    expect((await app.request('/api/boundaries')).status).toBe(401);
    const response = await request(app, 'GET', '/api/boundaries?kind=district', { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/geo\+json/);
    expect(await response.json()).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it("serves the partnership's vocabulary (codes and labels) to signed-in users", async () => {
    const response = await request(app, 'GET', '/api/taxonomy', { cookie });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, { code: string; label: string }[]>;
    expect(body.categories!.map((c) => c.code)).toContain('concern-premises');
    expect(body.placeTypes!.map((p) => p.code)).toContain('takeaway');
    expect(body.agencies!.map((a) => a.code).sort()).toEqual([
      'BDC',
      'CHS',
      'POL',
      'RBC',
      'WFDC',
      'WRS',
    ]);
    expect((await app.request('/api/taxonomy')).status).toBe(401);
  });

  it('answers 503 problem+json while the database is unreachable, and recovers', async () => {
    if (target.kind === 'pglite') {
      // The embedded database is in-process: it is unreachable only once closed.
      const { app: lonely, deps: lonelyDeps } = createTestApp(await target.open());
      await lonelyDeps.db.close();
      const response = await lonely.request('/api/health');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ type: 'urn:problem:database-unavailable' });
      return;
    }
    const url = new URL(await target.createUrl!());
    const proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    const db = await createDb({ databaseUrl: proxy.url(url.toString()), maxConnections: 2 });
    const { app: proxied } = createTestApp(db);
    try {
      expect((await proxied.request('/api/health')).status).toBe(200);
      await proxy.cut();
      const down = await proxied.request('/api/health');
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toBe('application/problem+json');
      expect(await down.json()).toMatchObject({ type: 'urn:problem:database-unavailable' });
      await proxy.resume();
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await proxied.request('/api/health')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});
