import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@hotspot/contracts';
import { testDatabases } from '@hotspot/db/testing';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.ts';
import { seedUploadPartnership } from '../features/batches/test-support.ts';
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

  it('never answers arbitrary JSON bodies with a 5xx or a non-problem error', async () => {
    const routes = [
      ['POST', '/api/auth/login', null],
      ['POST', '/api/records', 'analyst'],
      ['PATCH', '/api/admin/settings', 'admin'],
      ['POST', '/api/admin/users', 'admin'],
      ['POST', '/api/admin/agencies', 'admin'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.json(), fc.string({ maxLength: 200 })),
        async ([method, path, role], body) => {
          const response = await request(app, method, path, {
            ...(role ? { cookie: cookies[role] } : {}),
            body,
          });
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get('content-type')).toBe('application/problem+json');
          }
        },
      ),
      { numRuns: 60, seed: 20261129 },
    );
    expect((await app.request('/api/health')).status).toBe(200);
  });
});
