import { randomUUID } from 'node:crypto';
import type { Role } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import { policyKey, ROUTE_POLICY, STATIC_ROUTE_PATHS } from '../../http/access-policy.ts';
import { createTestApp, request, signIn, type TestApp } from '../../testing/fixtures.ts';
import { nativeCsv, seedUploadPartnership, uploadRaw, VALID_ROW } from '../batches/test-support.ts';
import { NOT_AUDITED } from './route-audit.ts';

// Issue 16: reads of batches, meetings, saved views, users and settings went unaudited. Every
// route in the OpenAPI document is now audited, or on NOT_AUDITED with its reason.

interface Documented {
  readonly key: string;
  readonly path: string;
  readonly method: string;
  readonly required: readonly { name: string; enum?: readonly string[] }[];
}

async function documentedRoutes(app: TestApp): Promise<Documented[]> {
  const doc = (await (await request(app, 'GET', '/api/openapi.json')).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: {
            in: string;
            name: string;
            required?: boolean;
            schema?: { enum?: string[] };
          }[];
        }
      >
    >;
  };
  return Object.entries(doc.paths).flatMap(([documentedPath, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const path = documentedPath.replace(/\{([^}]+)\}/g, ':$1');
      return {
        key: policyKey(method, path),
        path,
        method: method.toUpperCase(),
        required: (operation.parameters ?? [])
          .filter((p) => p.in === 'query' && p.required)
          .map((p) => ({ name: p.name, ...(p.schema?.enum ? { enum: p.schema.enum } : {}) })),
      };
    }),
  );
}

describe.each(testDatabases())('every route audited or listed on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  const cookies = {} as Record<Role, string>;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db));
    const seeded = await seedUploadPartnership(deps);
    for (const role of ['admin', 'analyst', 'chair', 'partner', 'viewer'] as const) {
      cookies[role] = await signIn(app, seeded.users[role].email, seeded.users[role].password);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  /** A GET with its own request id (the app takes it from X-Request-Id), and its events. */
  const get = async (path: string, role: Role | null) => {
    const requestId = randomUUID();
    const response = await request(app, 'GET', path, {
      ...(role ? { cookie: cookies[role] } : {}),
      headers: { 'x-request-id': requestId },
    });
    await response.arrayBuffer();
    const events = await db.kysely
      .selectFrom('audit_event')
      .selectAll()
      .where('request_id', '=', requestId)
      .execute();
    return { status: response.status, events };
  };

  it('lists a reason for every route it leaves unaudited, and only routes that exist', async () => {
    const documented = new Set((await documentedRoutes(app)).map((r) => r.key));
    for (const [key, reason] of Object.entries(NOT_AUDITED)) {
      const [, path] = key.split(' ');
      // The document itself and the web app's files are served but not documented.
      expect(documented.has(key) || key in ROUTE_POLICY || STATIC_ROUTE_PATHS.has(path!), key).toBe(
        true,
      );
      expect(reason.length, key).toBeGreaterThan(10);
    }
    for (const key of documented) expect(ROUTE_POLICY[key], key).toBeDefined();
  });

  it('writes an event for every successful read of a documented route not on the list', async () => {
    const routes = (await documentedRoutes(app)).filter(
      (r) => r.method === 'GET' && !r.path.includes(':') && !(r.key in NOT_AUDITED),
    );
    let answered = 0;
    for (const route of routes) {
      const policy = ROUTE_POLICY[route.key]!;
      const role = 'public' in policy ? null : policy.roles[0]!;
      const query = new URLSearchParams(
        route.required.map((p): [string, string] => [p.name, p.enum?.[0] ?? '2025-01-01']),
      );
      const { status, events } = await get(`${route.path}${query.size ? `?${query}` : ''}`, role);
      if (status >= 400) continue;
      answered++;
      expect(events.length, route.key).toBeGreaterThan(0);
    }
    // Most of them answer with these parameters; the rest are proved by their own tests.
    expect(answered).toBeGreaterThanOrEqual(Math.floor(routes.length * 0.7));
  });

  it('audits the reads that went unaudited: batches, errors.csv, meetings, views, users, settings', async () => {
    const upload = await uploadRaw(
      app,
      cookies.analyst,
      nativeCsv([{ ...VALID_ROW, external_ref: 'A-1' }, { external_ref: '=cmd' }]),
    );
    const batchId = ((await upload.json()) as { id: string }).id;
    const meetingId = (
      (await (
        await request(app, 'POST', '/api/meetings', {
          cookie: cookies.chair,
          json: { title: 'March', startsAt: '2025-03-03T10:00:00Z', online: true },
        })
      ).json()) as { id: string }
    ).id;
    const viewId = (
      (await (
        await request(app, 'POST', '/api/views', {
          cookie: cookies.chair,
          json: {
            name: 'Town centre',
            config: {
              v: 1,
              center: [-2.2458, 52.3881],
              zoom: 15,
              layers: ['hotspots'],
              filters: {},
            },
          },
        })
      ).json()) as { id: string }
    ).id;
    const reads: [Role, string, string, string | null][] = [
      ['analyst', '/api/batches', 'batch.list', null],
      ['analyst', `/api/batches/${batchId}`, 'batch.read', batchId],
      ['analyst', `/api/batches/${batchId}/errors.csv`, 'batch.errors.export', batchId],
      ['chair', `/api/meetings/${meetingId}`, 'meeting.read', meetingId],
      ['chair', '/api/meetings', 'meeting.list', null],
      ['chair', '/api/views', 'view.list', null],
      ['chair', `/api/views/${viewId}`, 'view.read', viewId],
      ['admin', '/api/admin/users', 'user.list', null],
      ['admin', '/api/admin/settings', 'settings.read', null],
    ];
    for (const [role, path, action, objectId] of reads) {
      const { status, events } = await get(path, role);
      expect(status, path).toBe(200);
      expect(events, path).toEqual([
        expect.objectContaining({ action, object_id: objectId, actor_role: role }),
      ]);
    }
  });

  it('writes nothing for the routes listed with a reason', async () => {
    for (const path of ['/api/health', '/api/openapi.json', '/api/taxonomy']) {
      const { status, events } = await get(path, 'viewer');
      expect(status, path).toBe(200);
      expect(events, path).toEqual([]);
    }
  });
});
