import type { Role } from '@hotspot/contracts';
import { testDatabases } from '@hotspot/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.ts';
import { RAW_UPLOAD_TYPES } from '../features/batches/index.ts';
import { seedUploadPartnership } from '../features/batches/test-support.ts';
import { policyKey, ROUTE_POLICY } from '../http/access-policy.ts';
import { createTestApp, request, signIn, type TestApp } from '../testing/fixtures.ts';

// Issue 16: a body of a type a route does not document (text/plain, a form, anything) is a
// 415 problem, never a 500.

interface BodyRoute {
  readonly method: string;
  readonly path: string;
  readonly role: Role | null;
  /** The media types the OpenAPI document lists for the body. */
  readonly accepted: readonly string[];
}

// Routes whose effects would end the sessions this file uses; a 415 comes before any effect,
// but a type the generator happens to make acceptable would sign out.
const SKIPPED = /^POST \/api\/auth\/(logout|password)$/;

interface Operation {
  readonly requestBody?: { readonly content?: Record<string, unknown> };
  readonly parameters?: readonly {
    readonly in: string;
    readonly name: string;
    readonly required?: boolean;
    readonly schema?: {
      readonly enum?: readonly string[];
      readonly pattern?: string;
      readonly format?: string;
    };
  }[];
}

/** Required query parameters filled in (first enum value), so the body is what gets judged. */
function requiredQuery(operation: Operation): string {
  const query = new URLSearchParams();
  for (const p of operation.parameters ?? []) {
    if (p.in === 'query' && p.required) query.set(p.name, p.schema?.enum?.[0] ?? '1');
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

const CANDIDATE_IDS = ['00000000-0000-4000-8000-000000000000', '1', 'no-such-code'];

/** The path with each parameter filled by a well-formed value that matches nothing. */
function concretePath(honoPath: string, operation: Operation): string {
  return honoPath.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const schema = operation.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema;
    const fits = (v: string) =>
      schema?.pattern
        ? new RegExp(schema.pattern).test(v)
        : schema?.format === 'uuid'
          ? v === CANDIDATE_IDS[0]
          : true;
    return CANDIDATE_IDS.find(fits) ?? 'x';
  });
}

/** Every operation with a request body in the API's own OpenAPI document. */
async function bodyRoutes(app: TestApp): Promise<BodyRoute[]> {
  const doc = (await (await request(app, 'GET', '/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const out: BodyRoute[] = [];
  for (const [documentedPath, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const content = operation.requestBody?.content;
      if (!content) continue;
      const honoPath = documentedPath.replace(/\{([^}]+)\}/g, ':$1');
      const key = policyKey(method, honoPath);
      if (SKIPPED.test(key)) continue;
      const policy = ROUTE_POLICY[key];
      if (!policy) throw new Error(`no policy for ${key}`);
      out.push({
        method: method.toUpperCase(),
        path: concretePath(honoPath, operation) + requiredQuery(operation),
        role: 'public' in policy ? null : policy.roles[0]!,
        // The upload route also takes the file as a raw body of these types (its description
        // says so); its own reader refuses the rest with the same 415.
        accepted:
          key === 'POST /api/batches'
            ? [...Object.keys(content), ...RAW_UPLOAD_TYPES]
            : Object.keys(content),
      });
    }
  }
  return out;
}

const TOKEN = fc.stringMatching(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,15}$/);
const KNOWN_WRONG = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/html',
  'application/jsonp',
  'application/json-patch',
  'image/png',
];
/** Known-wrong types and random type/subtype pairs, sometimes with a charset. */
const contentTypes = fc.oneof(
  fc.constantFrom(...KNOWN_WRONG),
  fc
    .tuple(TOKEN, TOKEN, fc.boolean())
    .map(([type, sub, charset]) => `${type}/${sub}${charset ? '; charset=utf-8' : ''}`),
);

/** Whether the route documents this type (then it is not a test of refusal). */
function documented(contentType: string, accepted: readonly string[]): boolean {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return accepted.some((mediaType) =>
    mediaType === 'application/json'
      ? /^application\/([a-z-.]+\+)?json$/.test(essence)
      : essence === mediaType.toLowerCase(),
  );
}

describe.each(testDatabases())('unsupported media types on $kind', (target) => {
  let app: TestApp;
  let deps: AppDeps;
  const cookies = {} as Record<Role, string>;

  beforeAll(async () => {
    ({ app, deps } = createTestApp(await target.open()));
    const seeded = await seedUploadPartnership(deps);
    for (const role of ['admin', 'analyst', 'chair', 'partner', 'viewer'] as const) {
      cookies[role] = await signIn(app, seeded.users[role].email, seeded.users[role].password);
    }
  });
  afterAll(async () => {
    await deps.db.close();
  });

  it('answers every route with a body 415 problem+json for any type it does not document', async () => {
    const routes = await bodyRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(30);
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(contentTypes, fc.string({ maxLength: 100 }), async (type, body) => {
          fc.pre(!documented(type, route.accepted));
          const response = await request(app, route.method, route.path, {
            ...(route.role ? { cookie: cookies[route.role] } : {}),
            body,
            headers: { 'content-type': type },
          });
          const label = `${route.method} ${route.path} as ${type}`;
          expect(response.status, label).toBe(415);
          expect(response.headers.get('content-type'), label).toBe('application/problem+json');
          expect(await response.json(), label).toMatchObject({
            type: 'urn:problem:unsupported-media-type',
            status: 415,
          });
        }),
        { numRuns: 15, seed: 20261202 },
      );
    }
    expect((await app.request('/api/health')).status).toBe(200);
  });
});
