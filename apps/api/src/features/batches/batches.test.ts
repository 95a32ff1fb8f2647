import { createHash } from 'node:crypto';
import { createDb, type Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  type SeededPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { createUser } from '../accounts/index.ts';
import {
  nativeCsv,
  request,
  seedUploadPartnership,
  stagingCounts,
  streamOf,
  uploadMultipart,
  uploadRaw,
} from './test-support.ts';

const encoder = new TextEncoder();

interface UploadBody {
  id: string;
  status: string;
  profile: string;
  rows: { total: number; valid: number; invalid: number; skipped: number; outside: number };
  errors: {
    row: number;
    column: string | null;
    code: string;
    message: string;
    at?: { lng: number; lat: number };
  }[];
  errorCounts: { code: string; count: number }[];
  outsideAreaRows: number;
  sha256: string;
}
interface Problem {
  type: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
  fileErrors?: { code: string }[];
  batch?: { id: string; fileName: string; committedAt: string };
}

describe.each(testDatabases())('batches on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let analyst: string;
  // Each test gets a partnership of its own, so counts are never shared between tests.
  let slugCounter = 0;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2024-06-01T12:00:00Z') }));
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    seed = await seedUploadPartnership(deps, { slug: `csp-${++slugCounter}` });
    analyst = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
  });

  async function expectNothingPersisted() {
    expect(await stagingCounts(deps, seed.partnershipId)).toEqual({
      batches: 0,
      stagedRows: 0,
      problems: 0,
      records: 0,
    });
  }

  it('validates, previews, commits and lists a native CSV; records get review dates and BNG', async () => {
    const csv = nativeCsv([
      { external_ref: 'A-1', occurred_from: '2024-03-09 22:30' },
      {
        reported_on: '14/05/2024',
        longitude: '',
        latitude: '',
        easting: '383150',
        northing: '276580',
        external_ref: 'A-2',
        occurred_from: '2024-05-09 22:30',
      },
      { longitude: '', latitude: '', grid_ref: 'SO 8315 7658', external_ref: 'A-3' },
    ]);
    const res = await uploadRaw(app, analyst, csv, { fileName: 'concerns.csv' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadBody;
    expect(body).toMatchObject({
      status: 'validated',
      profile: 'native-csv',
      rows: { total: 3, valid: 3, invalid: 0, skipped: 0, outside: 0 },
      errors: [],
      sha256: createHash('sha256').update(csv).digest('hex'),
      fileName: 'concerns.csv',
    });
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({
      batches: 1,
      stagedRows: 3,
      records: 0,
    });

    const preview = await request(app, 'GET', `/api/batches/${body.id}/preview`, {
      cookie: analyst,
    });
    expect(preview.status).toBe(200);
    const points = (await preview.json()) as {
      features: { geometry: { coordinates: number[] }; properties: { row: number } }[];
    };
    expect(points.features.map((f) => f.properties.row)).toEqual([2, 3, 4]);
    expect(points.features[0]?.geometry.coordinates).toEqual([-2.2486, 52.3886]);

    const before = await db.kysely
      .selectFrom('partnership')
      .select('data_version')
      .where('id', '=', seed.partnershipId)
      .executeTakeFirstOrThrow();
    const commit = await request(app, 'POST', `/api/batches/${body.id}/commit`, {
      cookie: analyst,
    });
    expect(commit.status).toBe(200);
    expect(await commit.json()).toEqual({
      status: 'committed',
      recordsAdded: 3,
      reportedFrom: '2024-03-14',
      reportedTo: '2024-05-14',
      alreadyDueForReview: 0,
    });
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({
      stagedRows: 0,
      records: 3,
    });
    const after = await db.kysely
      .selectFrom('partnership')
      .select('data_version')
      .where('id', '=', seed.partnershipId)
      .executeTakeFirstOrThrow();
    expect(BigInt(after.data_version)).toBe(BigInt(before.data_version) + 1n);

    const records = await sql<{
      row_no: number;
      review_on: string;
      easting: number;
      northing: number;
      occurred_utc: string | null;
    }>`select row_no, review_on, easting, northing,
         to_char(occurred_from at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as occurred_utc
       from intelligence_record where partnership_id = ${seed.partnershipId} order by row_no`.execute(
      db.kysely,
    );
    // Retention 12 months from the reported date.
    expect(records.rows.map((r) => r.review_on)).toEqual([
      '2025-03-14',
      '2025-05-14',
      '2025-03-14',
    ]);
    // Occurred times are UK local: GMT in March, BST (UTC+1) in May.
    expect(records.rows.map((r) => r.occurred_utc)).toEqual([
      '2024-03-09 22:30',
      '2024-05-09 21:30',
      null,
    ]);
    // BNG derived by PostGIS, within a few metres of what was typed.
    expect(Math.abs((records.rows[1]?.easting ?? 0) - 383150)).toBeLessThan(5);
    expect(Math.abs((records.rows[1]?.northing ?? 0) - 276580)).toBeLessThan(5);

    const list = await request(app, 'GET', '/api/batches', { cookie: analyst });
    const { batches } = (await list.json()) as { batches: { id: string; status: string }[] };
    expect(batches).toMatchObject([{ id: body.id, status: 'committed' }]);

    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action'])
      .where('object_id', '=', body.id)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { category: 'collection', action: 'batch.upload' },
      { category: 'consultation', action: 'batch.preview' },
      { category: 'collection', action: 'batch.commit' },
    ]);
  });

  it('accepts multipart/form-data with the profile and file name fields', async () => {
    const csv = nativeCsv([{ external_ref: 'M-1' }, { external_ref: 'M-2' }]);
    const res = await uploadMultipart(app, analyst, csv, {
      profile: 'native-csv',
      fileName: 'from-form.csv',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      fileName: 'from-form.csv',
      rows: { total: 2, valid: 2 },
    });
  });

  describe('file-level problems: 422 and nothing persisted', () => {
    const cases: [string, string | Uint8Array, { profile?: string }, string, string][] = [
      ['an empty file', '', {}, 'empty-file', '/file'],
      ['a header only', nativeCsv([]), {}, 'header-only', '/file/header'],
      [
        'a binary file (PNG)',
        new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
        {},
        'binary-file',
        '/file',
      ],
      [
        'the wrong profile',
        nativeCsv([{}]),
        { profile: 'police-uk' },
        'wrong-profile',
        '/file/header',
      ],
      [
        'a missing column',
        nativeCsv(
          [{}],
          [
            'reported_on',
            'longitude',
            'latitude',
            'place_type',
            'source_agency',
            'source_grade',
            'intelligence_grade',
            'handling_code',
          ],
        ),
        {},
        'missing-columns',
        '/file/header',
      ],
      [
        'an extra column',
        nativeCsv([{}]).replace('external_ref\r\n', 'external_ref,child_name\r\n'),
        {},
        'unknown-columns',
        '/file/header',
      ],
      [
        'a file cut off inside a quoted field',
        `${nativeCsv([{}])}2024-03-14,,,-2.2486,52.3886,,,,exact,takeaway,concern-premises,WFDC,2,B,P,"Adults seen`,
        {},
        'truncated',
        '/file',
      ],
    ];
    it.each(cases)('%s', async (_name, content, options, code, pointer) => {
      const res = await uploadRaw(app, analyst, content, options);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as Problem;
      expect(problem.fileErrors?.[0]?.code).toBe(code);
      expect(problem.errors?.[0]?.pointer).toBe(pointer);
      await expectNothingPersisted();
    });
  });

  it('reports row problems with row, column and code, and keeps only valid rows', async () => {
    const csv = nativeCsv([
      { reported_on: '31/02/2024', external_ref: 'R-2' },
      { longitude: '-2,24x', external_ref: 'R-3' },
      { longitude: '52.3886', latitude: '-2.2486', external_ref: 'R-4' },
      { longitude: '-5.5', latitude: '50.0', external_ref: 'R-5' },
      { longitude: '-1.8904', latitude: '52.4862', external_ref: 'R-6' },
      { summary: 'Seen with Mr Smith, call 07700 900123', external_ref: 'R-7' },
      { summary: '=HYPERLINK("http://evil.example")', external_ref: 'R-8' },
      { external_ref: '@SUM(A1)' },
      { place_type: '+cmd' },
      { external_ref: 'R-11' },
      { external_ref: 'R-11' },
      { external_ref: 'OK-12' },
    ]);
    const res = await uploadRaw(app, analyst, csv);
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadBody;
    expect(body.rows).toEqual({ total: 12, valid: 2, invalid: 10, skipped: 0, outside: 2 });
    const codeOf = (row: number) => body.errors.filter((e) => e.row === row).map((e) => e.code);
    expect(codeOf(2)).toEqual(['invalid-date']);
    expect(codeOf(3)).toEqual(['invalid-number']);
    expect(codeOf(4)).toEqual(['lat-lng-swapped']);
    expect(codeOf(5)).toEqual(['outside-area']); // in the sea off Cornwall
    expect(codeOf(6)).toEqual(['outside-area']); // Birmingham
    expect(codeOf(7)).toEqual(['personal-data']);
    expect(codeOf(8)).toEqual(['formula-injection']);
    expect(codeOf(9)).toEqual(['formula-injection']);
    expect(codeOf(10)).toEqual(['formula-injection']);
    expect(codeOf(12)).toEqual(['duplicate-row']);
    expect(body.errors.find((e) => e.row === 7)).toMatchObject({ column: 'summary' });
    // The matched personal data is never echoed back.
    expect(JSON.stringify(body)).not.toMatch(/Smith|07700/);
    expect(body.errorCounts).toContainEqual({ code: 'formula-injection', count: 3 });
    // Rows 5 and 6 are only outside the area: reported apart from the rows to fix, in the
    // batch list too.
    expect(body.outsideAreaRows).toBe(2);
    const listed = (await (
      await request(app, 'GET', '/api/batches', { cookie: analyst })
    ).json()) as { batches: { id: string; rows: { outside: number } }[] };
    expect(listed.batches.find((b) => b.id === body.id)?.rows.outside).toBe(2);
    // Each error row says where it is when its coordinates could be read, whatever its problem.
    const atOf = (row: number) => body.errors.find((e) => e.row === row)?.at;
    expect(atOf(2)).toEqual({ lng: -2.2486, lat: 52.3886 }); // a bad date, a good location
    expect(atOf(5)).toEqual({ lng: -5.5, lat: 50 });
    expect(atOf(6)).toEqual({ lng: -1.8904, lat: 52.4862 });
    expect(atOf(12)).toEqual({ lng: -2.2486, lat: 52.3886 }); // the duplicate
    expect(atOf(3)).toBeUndefined(); // "-2,24x" is no longitude
    expect(atOf(4)).toBeUndefined(); // swapped: not placed where it would be wrong
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({
      stagedRows: 2,
      problems: 10,
    });

    const report = await request(app, 'GET', `/api/batches/${body.id}/errors.csv`, {
      cookie: analyst,
    });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toContain('text/csv');
    const lines = (await report.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,code,message,kind');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(/^2,reported_on,invalid-date,/);
    // No cell of the report starts with a formula trigger, whichever separator a program uses.
    for (const line of lines) {
      for (const cell of line.split(/[,;\t|]/))
        expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    }
  });

  it('lists the first 1,000 errors and puts every one in errors.csv', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({
      category: 'no-such-category',
      external_ref: `E-${i}`,
    }));
    const res = await uploadRaw(app, analyst, nativeCsv(rows));
    const body = (await res.json()) as UploadBody;
    expect(body.status).toBe('rejected');
    expect(body.rows).toEqual({ total: 1500, valid: 0, invalid: 1500, skipped: 0, outside: 0 });
    expect(body.errors).toHaveLength(1000);
    expect(body.errorCounts).toEqual([{ code: 'unknown-category', count: 1500 }]);
    const report = await request(app, 'GET', `/api/batches/${body.id}/errors.csv`, {
      cookie: analyst,
    });
    expect((await report.text()).trimEnd().split('\r\n')).toHaveLength(1501);
    const commit = await request(app, 'POST', `/api/batches/${body.id}/commit`, {
      cookie: analyst,
    });
    expect(commit.status).toBe(409);
  });

  it('refuses more rows than MAX_UPLOAD_ROWS with 413, keeping nothing', async () => {
    const { app: limited } = createTestApp(db, { env: { MAX_UPLOAD_ROWS: '5' } });
    const cookie = await signIn(limited, seed.users.analyst.email, seed.users.analyst.password);
    const rows = Array.from({ length: 6 }, (_, i) => ({ external_ref: `L-${i}` }));
    const res = await uploadRaw(limited, cookie, nativeCsv(rows));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      type: 'urn:problem:too-large',
      limit: { kind: 'rows', value: 5 },
    });
    await expectNothingPersisted();
    // Five rows are fine.
    const ok = await uploadRaw(limited, cookie, nativeCsv(rows.slice(0, 5)));
    expect(ok.status).toBe(201);
  });

  it('refuses a body declared larger than MAX_UPLOAD_BYTES before reading it', async () => {
    const sixtyMb = 60 * 1024 * 1024;
    const res = await uploadRaw(app, analyst, streamOf([encoder.encode('never read')]), {
      headers: { 'content-length': String(sixtyMb) },
    });
    expect(res.status).toBe(413);
    await expectNothingPersisted();
  });

  it('refuses a streamed body that passes MAX_UPLOAD_BYTES with 413, keeping nothing', async () => {
    // 2 MB limit, 3 MB of valid rows without content-length: the limit is found while reading.
    const { app: limited } = createTestApp(db, {
      env: { MAX_UPLOAD_BYTES: String(2 * 1024 * 1024) },
    });
    const cookie = await signIn(limited, seed.users.analyst.email, seed.users.analyst.password);
    const res = await uploadRaw(limited, cookie, streamOf(validRowChunks(3 * 1024 * 1024)));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ limit: { kind: 'bytes' } });
    await expectNothingPersisted();
  });

  it('keeps nothing when the upload is cut off midway, and keeps serving', async () => {
    const res = await uploadRaw(
      app,
      analyst,
      streamOf(validRowChunks(512 * 1024), { failAfter: 3 }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: 'upload-interrupted' });
    await expectNothingPersisted();

    // A raw body shorter than its declared length is cut off too.
    const csv = nativeCsv([{ external_ref: 'S-1' }]);
    const short = await uploadRaw(app, analyst, streamOf([encoder.encode(csv)]), {
      headers: { 'content-length': String(csv.length + 100) },
    });
    expect(short.status).toBe(400);
    await expectNothingPersisted();

    // A multipart form without its closing boundary.
    const boundary = 'cutoffboundary';
    const partial = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}`;
    const cut = await uploadRaw(app, analyst, partial, {
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
    expect(cut.status).toBe(400);
    await expectNothingPersisted();

    const next = await uploadRaw(app, analyst, csv);
    expect(next.status).toBe(201);
  });

  it('refuses a file already committed with 409 naming that batch', async () => {
    const csv = nativeCsv([{ external_ref: 'D-1' }]);
    const first = (await (
      await uploadRaw(app, analyst, csv, { fileName: 'march.csv' })
    ).json()) as UploadBody;
    await request(app, 'POST', `/api/batches/${first.id}/commit`, { cookie: analyst });
    const again = await uploadRaw(app, analyst, csv, { fileName: 'march-again.csv' });
    expect(again.status).toBe(409);
    const problem = (await again.json()) as Problem;
    expect(problem.batch).toMatchObject({ id: first.id, fileName: 'march.csv' });
    expect(problem.batch?.committedAt).toBe('2024-06-01T12:00:00.000Z');
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({ batches: 1, records: 1 });
  });

  it('commits a batch once when two analysts commit at the same time', async () => {
    // On PostgreSQL each analyst goes through a connection pool of its own, as two API processes
    // would; PGlite has one connection, so both share it.
    const url = target.createUrl ? await target.createUrl() : undefined;
    const dbA = url ? await createDb({ databaseUrl: url }) : db;
    const dbB = url ? await createDb({ databaseUrl: url }) : db;
    try {
      const clock = createTestClock('2024-06-01T12:00:00Z');
      const a = createTestApp(dbA, { clock });
      const b = createTestApp(dbB, { clock });
      const local = url ? await seedUploadPartnership(a.deps, { slug: 'race' }) : seed;
      await createUser(a.deps, {
        partnershipId: local.partnershipId,
        email: `second-analyst-${slugCounter}@race.test`,
        name: 'Second analyst',
        role: 'analyst',
        agencyCode: 'BDC',
        password: 'Analyst-second-lantern-93',
      });
      const cookieA = await signIn(a.app, local.users.analyst.email, local.users.analyst.password);
      const cookieB = await signIn(
        b.app,
        `second-analyst-${slugCounter}@race.test`,
        'Analyst-second-lantern-93',
      );
      const rows = Array.from({ length: 200 }, (_, i) => ({ external_ref: `C-${i}` }));
      const up = (await (await uploadRaw(a.app, cookieA, nativeCsv(rows))).json()) as UploadBody;
      const [first, second] = await Promise.all([
        request(a.app, 'POST', `/api/batches/${up.id}/commit`, { cookie: cookieA }),
        request(b.app, 'POST', `/api/batches/${up.id}/commit`, { cookie: cookieB }),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const loser = first.status === 409 ? first : second;
      expect(loser.headers.get('content-type')).toBe('application/problem+json');
      expect(await stagingCounts(a.deps, local.partnershipId)).toMatchObject({
        records: 200,
        stagedRows: 0,
      });
    } finally {
      if (dbA !== db) await dbA.close();
      if (dbB !== db) await dbB.close();
    }
  });

  it('withdraws a committed batch: records deleted, batch kept with who, when and why', async () => {
    const up = (await (
      await uploadRaw(app, analyst, nativeCsv([{ external_ref: 'W-1' }, { external_ref: 'W-2' }]))
    ).json()) as UploadBody;
    await request(app, 'POST', `/api/batches/${up.id}/commit`, { cookie: analyst });
    const noReason = await request(app, 'DELETE', `/api/batches/${up.id}`, {
      cookie: analyst,
      json: {},
    });
    expect(noReason.status).toBe(422);
    const res = await request(app, 'DELETE', `/api/batches/${up.id}`, {
      cookie: analyst,
      json: { reason: 'Wrong month exported' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'withdrawn', recordsRemoved: 2 });
    expect(await stagingCounts(deps, seed.partnershipId)).toMatchObject({ batches: 1, records: 0 });
    const detail = await (
      await request(app, 'GET', `/api/batches/${up.id}`, { cookie: analyst })
    ).json();
    expect(detail).toMatchObject({
      status: 'withdrawn',
      withdrawnAt: '2024-06-01T12:00:00.000Z',
      withdrawnBy: { id: seed.users.analyst.id },
      withdrawReason: 'Wrong month exported',
    });
    const again = await request(app, 'DELETE', `/api/batches/${up.id}`, {
      cookie: analyst,
      json: { reason: 'Twice' },
    });
    expect(again.status).toBe(409);
    // The same file may be loaded again once its batch is withdrawn.
    const reload = await uploadRaw(
      app,
      analyst,
      nativeCsv([{ external_ref: 'W-1' }, { external_ref: 'W-2' }]),
    );
    expect(reload.status).toBe(201);
    const erasure = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action'])
      .where('object_id', '=', up.id)
      .where('category', '=', 'erasure')
      .execute();
    expect(erasure).toEqual([{ category: 'erasure', action: 'batch.withdraw' }]);
  });

  it('serves the template and its column documentation', async () => {
    const res = await request(app, 'GET', '/api/batches/template.csv', { cookie: analyst });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    expect(await res.text()).toMatch(/^reported_on,occurred_from,.*external_ref\r\n$/);
    const columns = (await (
      await request(app, 'GET', '/api/batches/columns', { cookie: analyst })
    ).json()) as { columns: { name: string }[] };
    expect(columns.columns[0]?.name).toBe('reported_on');
  });

  it('keeps coordinates and record text out of the audit trail and other partnerships out', async () => {
    const up = (await (
      await uploadRaw(
        app,
        analyst,
        nativeCsv([{ external_ref: 'P-1', summary: 'Distinctive words here' }]),
      )
    ).json()) as UploadBody;
    await request(app, 'GET', `/api/batches/${up.id}/preview`, { cookie: analyst });
    await request(app, 'POST', `/api/batches/${up.id}/commit`, { cookie: analyst });
    const events = await db.kysely.selectFrom('audit_event').select('query').execute();
    const text = JSON.stringify(events);
    expect(text).not.toContain('Distinctive');
    expect(text).not.toMatch(/-2\.248|52\.388/);

    const other = await seedUploadPartnership(deps, { slug: `other-${slugCounter}` });
    const otherAnalyst = await signIn(app, other.users.analyst.email, other.users.analyst.password);
    for (const path of [
      `/api/batches/${up.id}`,
      `/api/batches/${up.id}/preview`,
      `/api/batches/${up.id}/errors.csv`,
    ]) {
      const res = await request(app, 'GET', path, { cookie: otherAnalyst });
      expect(res.status, path).toBe(404);
    }
  });

  it('says how many committed records arrived already due for review, and their dates', async () => {
    // Records reported long ago arrive already due for review: the commit says how many.
    const old = await uploadRaw(
      app,
      analyst,
      nativeCsv([
        { reported_on: '2020-01-10', external_ref: 'OLD-1' },
        { reported_on: '2024-05-20', external_ref: 'NEW-1' },
      ]),
      { fileName: 'old-concerns.csv' },
    );
    expect(old.status).toBe(201);
    const oldBatch = (await old.json()) as UploadBody & { dueOnArrival: unknown };
    // Said at preview, before commit: how many, and up to which reported date.
    expect(oldBatch.dueOnArrival).toEqual({
      rows: 1,
      reportedOnOrBefore: '2023-06-01',
      retentionMonths: 12,
    });
    const oldCommit = await request(app, 'POST', `/api/batches/${oldBatch.id}/commit`, {
      cookie: analyst,
    });
    expect(await oldCommit.json()).toEqual({
      status: 'committed',
      recordsAdded: 2,
      reportedFrom: '2020-01-10',
      reportedTo: '2024-05-20',
      alreadyDueForReview: 1,
    });
    const after = (await (
      await request(app, 'GET', `/api/batches/${oldBatch.id}`, { cookie: analyst })
    ).json()) as { dueOnArrival: unknown };
    expect(after.dueOnArrival).toBeNull();
  });
});

/** Valid rows, distinct, in ~64 KB chunks, until `bytes` have been produced. */
function* validRowChunks(bytes: number): Generator<Uint8Array> {
  yield encoder.encode(nativeCsv([]));
  let produced = 0;
  let i = 0;
  while (produced < bytes) {
    let chunk = '';
    while (chunk.length < 64 * 1024) {
      chunk += `2024-03-14,,,-2.2486,52.3886,,,,exact,takeaway,concern-premises,WFDC,2,B,P,Adults seen with young people late evening,BIG-${i++}\r\n`;
    }
    produced += chunk.length;
    yield encoder.encode(chunk);
  }
}
