import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@hotspot/contracts';
import { testDatabases } from '@hotspot/db/testing';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.ts';
import { seedUploadPartnership } from '../features/batches/test-support.ts';
import { policyKey, ROUTE_POLICY } from '../http/access-policy.ts';
import { createTestApp, request, signIn, type TestApp } from '../testing/fixtures.ts';

// Issue 10: a corpus of malformed uploads and request bodies, kept as visible fixtures. Each must
// be answered with a 4xx problem+json that names the problem, write nothing, and leave the
// server serving.
const FIXTURES = join(import.meta.dirname, 'fixtures');
interface UploadCase {
  readonly file: string;
  readonly contentType: string;
  readonly profile: string | null;
  readonly status: number;
}
interface BodyCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly role: Role | null;
  readonly body: string | null;
  readonly status: number;
}
const uploads: UploadCase[] = JSON.parse(
  readFileSync(join(FIXTURES, 'uploads', 'manifest.json'), 'utf8'),
);
const bodies: BodyCase[] = JSON.parse(
  readFileSync(join(FIXTURES, 'bodies', 'manifest.json'), 'utf8'),
);

// Everything a malformed request could leave behind; sessions, throttling and the audit trail
// legitimately change and are left out.
const DATA_TABLES = [
  'partnership',
  'agency',
  'category',
  'place_type',
  'app_user',
  'batch',
  'batch_row',
  'intelligence_record',
  'hotspot',
  'action',
  'meeting',
  'boundary',
];

async function snapshot(deps: AppDeps): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(
      deps.db.kysely,
    );
    out[table] = Number(r.rows[0]!.n);
  }
  const settings = await sql<{
    s: string;
  }>`select md5(string_agg(concat_ws('|', suppression_k, retention_months, mfa_required), ',')) as s from partnership`.execute(
    deps.db.kysely,
  );
  out.settings = settings.rows[0]!.s.length;
  return out;
}

async function expectProblem(response: Response, status: number, label: string): Promise<void> {
  expect(response.status, label).toBe(status);
  expect(response.headers.get('content-type'), label).toBe('application/problem+json');
  const body = (await response.json()) as {
    type: string;
    title: string;
    detail?: string;
    errors?: unknown[];
  };
  expect(body.type, label).toMatch(/^urn:problem:/);
  // It names the problem: a detail sentence or field-level errors.
  expect(Boolean(body.detail) || (body.errors?.length ?? 0) > 0, label).toBe(true);
}

interface BodyOperation {
  readonly method: string;
  /** Concrete path: ids replaced by a well-formed UUID that matches nothing. */
  readonly path: string;
  /** A role the route admits (null: public), so the body reaches its validator. */
  readonly role: Role | null;
  /** The body schema's top-level field names, to build objects that get past the first check. */
  readonly fields: readonly string[];
}

// Routes whose side effects would change the sessions the rest of the file uses (sign-out,
// second-factor attempts, password changes); their validators have tests of their own.
const NOT_FUZZED = /^(POST \/api\/auth\/(logout|mfa.*|password))$/;

/** Every operation with a JSON request body in the API's own OpenAPI document. */
async function jsonBodyOperations(app: TestApp): Promise<BodyOperation[]> {
  interface Schema {
    readonly $ref?: string;
    readonly properties?: Record<string, unknown>;
  }
  interface Operation {
    readonly requestBody?: { readonly content?: Record<string, { readonly schema?: Schema }> };
  }
  const doc = (await (await request(app, 'GET', '/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref
      ? doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]
      : schema;
  const out: BodyOperation[] = [];
  for (const [documentedPath, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const json = operation.requestBody?.content?.['application/json'];
      if (!json) continue;
      const honoPath = documentedPath.replace(/\{([^}]+)\}/g, ':$1');
      const key = policyKey(method, honoPath);
      if (NOT_FUZZED.test(key)) continue;
      const policy = ROUTE_POLICY[key];
      if (!policy) throw new Error(`no policy for ${key}`);
      out.push({
        method: method.toUpperCase(),
        path: honoPath
          .replace(/:(id|itemId)\b/g, '00000000-0000-4000-8000-000000000000')
          .replace(/:[A-Za-z]+/g, 'no-such-code'),
        role: 'public' in policy ? null : policy.roles[0]!,
        fields: Object.keys(resolve(json.schema)?.properties ?? {}),
      });
    }
  }
  return out;
}

/** A 4xx must be problem+json; nothing may be a 5xx. */
function expectNoServerError(response: Response, label: string): void {
  expect(response.status, label).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), label).toBe('application/problem+json');
  }
}

/** Arbitrary JSON, arbitrary text, or an object of the schema's fields with arbitrary values. */
function bodyFor(fields: readonly string[]): fc.Arbitrary<string> {
  const shaped =
    fields.length === 0
      ? fc.json()
      : fc
          .record(Object.fromEntries(fields.map((f) => [f, fc.jsonValue({ maxDepth: 2 })])), {
            requiredKeys: [],
          })
          .map((o) => JSON.stringify(o));
  return fc.oneof(fc.json({ maxDepth: 2 }), fc.string({ maxLength: 200 }), shaped, shaped);
}

describe.each(testDatabases())('malformed input on $kind', (target) => {
  let app: TestApp;
  let deps: AppDeps;
  const cookies = {} as Record<Role, string>;
  let before: Record<string, number>;

  beforeAll(async () => {
    ({ app, deps } = createTestApp(await target.open()));
    const seeded = await seedUploadPartnership(deps);
    for (const role of ['admin', 'analyst', 'chair', 'partner', 'viewer'] as const) {
      cookies[role] = await signIn(app, seeded.users[role].email, seeded.users[role].password);
    }
    before = await snapshot(deps);
  });
  afterAll(async () => {
    await deps.db.close();
  });

  it('keeps at least 50 malformed cases as fixtures', () => {
    expect(uploads.length + bodies.length).toBeGreaterThanOrEqual(50);
  });

  it.each(uploads)('refuses upload $file with $status', async (c) => {
    const query = new URLSearchParams({
      fileName: c.file,
      ...(c.profile ? { profile: c.profile } : {}),
    });
    const response = await request(app, 'POST', `/api/batches?${query}`, {
      cookie: cookies.analyst,
      body: readFileSync(join(FIXTURES, 'uploads', c.file)) as unknown as string,
      headers: { 'content-type': c.contentType },
    });
    await expectProblem(response, c.status, c.file);
  });

  it.each(bodies)('refuses request $name with $status', async (c) => {
    const response = await request(app, c.method, c.path, {
      ...(c.role ? { cookie: cookies[c.role] } : {}),
      ...(c.body !== null ? { body: c.body } : {}),
    });
    await expectProblem(response, c.status, c.name);
  });

  it('wrote nothing and still serves', async () => {
    expect(await snapshot(deps)).toEqual(before);
    expect((await app.request('/api/health')).status).toBe(200);
    const me = await request(app, 'GET', '/api/auth/me', { cookie: cookies.analyst });
    expect(me.status).toBe(200);
  });

  it('never answers arbitrary bodies on any documented JSON route with a 5xx or a non-problem error', async () => {
    const operations = await jsonBodyOperations(app);
    // Every validator, found from the OpenAPI document, so a new route is fuzzed without an edit.
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(bodyFor(op.fields), async (body) => {
          const response = await request(app, op.method, op.path, {
            ...(op.role ? { cookie: cookies[op.role] } : {}),
            body,
          });
          expectNoServerError(response, `${op.method} ${op.path} ${body.slice(0, 200)}`);
        }),
        { numRuns: 12, seed: 20261129 },
      );
    }
    expect((await app.request('/api/health')).status).toBe(200);
  });

  it('never answers an arbitrary upload with a 5xx, whatever the profile', async () => {
    const upload = async (text: string, contentType: string, query: Record<string, string>) =>
      expectNoServerError(
        await request(app, 'POST', `/api/batches?${new URLSearchParams(query)}`, {
          cookie: cookies.analyst,
          body: text,
          headers: { 'content-type': contentType },
        }),
        text.slice(0, 200),
      );
    const csvLike = fc
      .array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }), { maxLength: 6 })
      // A real header, then arbitrary fields and separators.
      .map(
        (rows) =>
          `reported_on,latitude,longitude,category,place_type,source_agency,source_grade,intelligence_grade,handling_code\n${rows.map((r) => r.join(',')).join('\n')}`,
      );
    const bytes = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(null, 'native-csv', 'police-uk'),
        fc.oneof(csvLike, fc.string({ maxLength: 400 }), bytes),
        (profile, text) =>
          upload(text, 'text/csv', { fileName: 'fuzz.csv', ...(profile ? { profile } : {}) }),
      ),
      { numRuns: 40, seed: 20261129 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string({ maxLength: 300 })), (text) =>
        upload(text, 'application/geo+json', { fileName: 'fuzz.geojson' }),
      ),
      { numRuns: 40, seed: 20261129 },
    );
    expect((await app.request('/api/health')).status).toBe(200);
  });
});
