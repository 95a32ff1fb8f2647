import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  type SeededPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import {
  nativeCsv,
  request,
  seedUploadPartnership,
  stagingCounts,
  uploadRaw,
} from './test-support.ts';

const CONCERN = {
  reportedOn: '2024-03-14',
  occurredFrom: '2024-03-09 22:30',
  location: { lng: -2.2486, lat: 52.3886 },
  placeType: 'takeaway',
  category: 'concern-premises',
  sourceAgency: 'WFDC',
  sourceGrade: '2',
  intelligenceGrade: 'B',
  handlingCode: 'P',
  summary: 'Young people collected by car from the rear entrance',
};

describe.each(testDatabases())('single concerns, review and erasure on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let analyst: string;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, { clock: createTestClock('2024-06-01T12:00:00Z') }));
    seed = await seedUploadPartnership(deps);
    analyst = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
  });
  afterAll(async () => {
    await db.close();
  });

  it('records a concern located by lng/lat, easting/northing or grid reference', async () => {
    const forms = [
      { location: { lng: -2.2486, lat: 52.3886 } },
      { location: { easting: 383150, northing: 276580 }, category: 'drugs' },
      { location: { gridRef: 'SO 8315 7658' }, category: 'other-crime' },
    ];
    for (const form of forms) {
      const res = await request(app, 'POST', '/api/records', {
        cookie: analyst,
        json: { ...CONCERN, ...form },
      });
      expect(res.status, JSON.stringify(form)).toBe(201);
      const body = (await res.json()) as { id: string; batchId: string; reviewOn: string };
      expect(body.reviewOn).toBe('2025-03-14');
      const batch = await db.kysely
        .selectFrom('batch')
        .select(['profile', 'status', 'rows_valid'])
        .where('id', '=', body.batchId)
        .executeTakeFirstOrThrow();
      expect(batch).toEqual({ profile: 'single', status: 'committed', rows_valid: 1 });
    }
    const events = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'query'])
      .where('action', '=', 'record.create')
      .execute();
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.category === 'collection')).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/rear entrance|-2\.248|52\.388|SO 8315/);
  });

  it('refuses an invalid concern with the same checks as an upload, pointing at the fields', async () => {
    const before = await stagingCounts(deps, seed.partnershipId);
    const res = await request(app, 'POST', '/api/records', {
      cookie: analyst,
      json: {
        ...CONCERN,
        reportedOn: '2031-01-01',
        location: { lng: -1.8904, lat: 52.4862 },
        category: 'not-a-category',
        summary: 'Met Miss Jones at the back door',
      },
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as {
      errors: { pointer: string; detail: string }[];
      rowErrors: { code: string }[];
    };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      '/body/category',
      '/body/location',
      '/body/reportedOn',
      '/body/summary',
    ]);
    expect(problem.rowErrors.map((e) => e.code).sort()).toEqual([
      'future-date',
      'outside-area',
      'personal-data',
      'unknown-category',
    ]);
    expect(JSON.stringify(problem)).not.toContain('Jones');
    expect(await stagingCounts(deps, seed.partnershipId)).toEqual(before);

    const formula = await request(app, 'POST', '/api/records', {
      cookie: analyst,
      json: { ...CONCERN, summary: '=1+2' },
    });
    expect(formula.status).toBe(422);
    const swapped = await request(app, 'POST', '/api/records', {
      cookie: analyst,
      json: { ...CONCERN, location: { lng: 52.3886, lat: -2.2486 } },
    });
    expect(((await swapped.json()) as { rowErrors: { code: string }[] }).rowErrors).toEqual([
      { column: 'longitude', code: 'lat-lng-swapped' },
    ]);
  });

  it('refuses the same concern twice (a double submission) with 409', async () => {
    const concern = { ...CONCERN, summary: 'Concern raised by staff about repeated visits' };
    const first = await request(app, 'POST', '/api/records', { cookie: analyst, json: concern });
    expect(first.status).toBe(201);
    const again = await request(app, 'POST', '/api/records', { cookie: analyst, json: concern });
    expect(again.status).toBe(409);
  });

  it('lists records due for review, retains one with a reason and erases another for real', async () => {
    const early = await request(app, 'POST', '/api/records', {
      cookie: analyst,
      json: { ...CONCERN, reportedOn: '2023-01-10', occurredFrom: null, summary: null },
    });
    const late = await request(app, 'POST', '/api/records', {
      cookie: analyst,
      json: { ...CONCERN, reportedOn: '2023-02-10', occurredFrom: null, summary: null },
    });
    const earlyId = ((await early.json()) as { id: string }).id;
    const lateId = ((await late.json()) as { id: string }).id;

    const due = await request(app, 'GET', '/api/records/review-due', { cookie: analyst });
    expect(due.status).toBe(200);
    const list = (await due.json()) as {
      before: string;
      records: { id: string; reviewOn: string; category: string; sourceAgency: string }[];
    };
    expect(list.before).toBe('2024-06-01');
    expect(list.records.map((r) => [r.id, r.reviewOn])).toEqual([
      [earlyId, '2024-01-10'],
      [lateId, '2024-02-10'],
    ]);
    expect(list.records[0]).toMatchObject({ category: 'concern-premises', sourceAgency: 'WFDC' });

    const past = await request(app, 'POST', `/api/records/${earlyId}/retain`, {
      cookie: analyst,
      json: { reason: 'Linked to an open investigation', reviewOn: '2024-05-01' },
    });
    expect(past.status).toBe(422);
    const retain = await request(app, 'POST', `/api/records/${earlyId}/retain`, {
      cookie: analyst,
      json: { reason: 'Linked to an open investigation', reviewOn: '2025-01-10' },
    });
    expect(retain.status).toBe(200);
    const decision = await db.kysely
      .selectFrom('record_retention')
      .select(['previous_review_on', 'new_review_on', 'reason', 'decided_by'])
      .where('record_id', '=', earlyId)
      .executeTakeFirstOrThrow();
    expect(decision).toEqual({
      previous_review_on: '2024-01-10',
      new_review_on: '2025-01-10',
      reason: 'Linked to an open investigation',
      decided_by: seed.users.analyst.id,
    });

    const noReason = await request(app, 'DELETE', `/api/records/${lateId}`, {
      cookie: analyst,
      json: { reason: '' },
    });
    expect(noReason.status).toBe(422);
    const erase = await request(app, 'DELETE', `/api/records/${lateId}`, {
      cookie: analyst,
      json: { reason: 'Past its retention period' },
    });
    expect(erase.status).toBe(200);
    const gone = await db.kysely
      .selectFrom('intelligence_record')
      .select('id')
      .where('id', '=', lateId)
      .execute();
    expect(gone).toEqual([]);
    const again = await request(app, 'DELETE', `/api/records/${lateId}`, {
      cookie: analyst,
      json: { reason: 'Past its retention period' },
    });
    expect(again.status).toBe(404);

    const dueAfter = (await (
      await request(app, 'GET', '/api/records/review-due', { cookie: analyst })
    ).json()) as { records: unknown[] };
    expect(dueAfter.records).toEqual([]);

    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action', 'object_id'])
      .where('action', 'in', ['record.retain', 'record.erase', 'records.review-due'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { category: 'consultation', action: 'records.review-due', object_id: null },
      { category: 'alteration', action: 'record.retain', object_id: earlyId },
      { category: 'erasure', action: 'record.erase', object_id: lateId },
      { category: 'consultation', action: 'records.review-due', object_id: null },
    ]);
  });

  /** Uploads and commits a batch: three rows due for review on 2024-06-01, one not yet. */
  async function commitDueBatch(fileName: string, summary: string): Promise<string> {
    const csv = nativeCsv([
      { reported_on: '2023-01-05', summary: `${summary} a` },
      { reported_on: '2023-02-05', summary: `${summary} b` },
      { reported_on: '2023-03-05', summary: `${summary} c` },
      { reported_on: '2024-02-05', summary: `${summary} d` },
    ]);
    const staged = await uploadRaw(app, analyst, csv, { fileName });
    const { id } = (await staged.json()) as { id: string };
    const committed = await request(app, 'POST', `/api/batches/${id}/commit`, { cookie: analyst });
    expect(committed.status).toBe(200);
    return id;
  }

  const reviewOnOf = async (batchId: string) =>
    (
      await db.kysely
        .selectFrom('intelligence_record')
        .select(['reported_on', 'review_on'])
        .where('batch_id', '=', batchId)
        .orderBy('reported_on')
        .execute()
    ).map((r) => [r.reported_on, r.review_on]);

  it('keeps every due record of a batch with one reason and one new review date', async () => {
    const batchId = await commitDueBatch('force-wide-2023.csv', 'Keep batch');
    const due = (await (
      await request(app, 'GET', '/api/records/review-due', { cookie: analyst })
    ).json()) as {
      batches: { id: string; fileName: string; due: number; firstReviewOn: string }[];
    };
    expect(due.batches.find((b) => b.id === batchId)).toMatchObject({
      fileName: 'force-wide-2023.csv',
      due: 3,
      firstReviewOn: '2024-01-05',
    });

    const url = `/api/records/review-due/batches/${batchId}`;
    const reason = 'Part of the Kidderminster problem profile';
    // Bad input: problem+json pointing at the field, and nothing changed.
    const noDate = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'retain', reason },
    });
    expect(noDate.status).toBe(422);
    expect(noDate.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const pastDate = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'retain', reason, reviewOn: '2024-05-01' },
    });
    expect(pastDate.status).toBe(422);
    const pointers = ((await pastDate.json()) as { errors: { pointer: string }[] }).errors;
    expect(pointers.map((e) => e.pointer)).toEqual(['/body/reviewOn']);
    const noReason = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'erase', reason: ' ' },
    });
    expect(noReason.status).toBe(422);
    const unknown = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'archive', reason },
    });
    expect(unknown.status).toBe(422);
    expect(await reviewOnOf(batchId)).toEqual([
      ['2023-01-05', '2024-01-05'],
      ['2023-02-05', '2024-02-05'],
      ['2023-03-05', '2024-03-05'],
      ['2024-02-05', '2025-02-05'],
    ]);

    const kept = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'retain', reason, reviewOn: '2025-06-01' },
    });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toEqual({ decision: 'retain', records: 3, reviewOn: '2025-06-01' });
    // The three due records move on; the one not yet due keeps its own date.
    expect(await reviewOnOf(batchId)).toEqual([
      ['2023-01-05', '2025-06-01'],
      ['2023-02-05', '2025-06-01'],
      ['2023-03-05', '2025-06-01'],
      ['2024-02-05', '2025-02-05'],
    ]);
    const decisions = await db.kysely
      .selectFrom('record_retention as x')
      .innerJoin('intelligence_record as r', 'r.id', 'x.record_id')
      .select(['x.previous_review_on', 'x.new_review_on', 'x.reason', 'x.decided_by'])
      .where('r.batch_id', '=', batchId)
      .orderBy('x.previous_review_on')
      .execute();
    expect(decisions).toEqual(
      ['2024-01-05', '2024-02-05', '2024-03-05'].map((previous) => ({
        previous_review_on: previous,
        new_review_on: '2025-06-01',
        reason,
        decided_by: seed.users.analyst.id,
      })),
    );
    // Nothing left to decide: 409, not a silent success.
    const again = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'erase', reason: 'Past its retention period' },
    });
    expect(again.status).toBe(409);
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action', 'object_type', 'query'])
      .where('object_id', '=', batchId)
      .where('action', 'like', 'records.%-batch')
      .execute();
    expect(audit).toEqual([
      {
        category: 'alteration',
        action: 'records.retain-batch',
        object_type: 'batch',
        query: { before: '2024-06-01', records: 3, reviewOn: '2025-06-01' },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('Keep batch');
  });

  it('erases every due record of a batch at once, all or nothing', async () => {
    const batchId = await commitDueBatch('old-partner-return.csv', 'Erase batch');
    const url = `/api/records/review-due/batches/${batchId}`;
    // A date that one of the due records already passes refuses the whole batch: none kept.
    await db.kysely
      .updateTable('intelligence_record')
      .set({ review_on: '2024-05-30' })
      .where('batch_id', '=', batchId)
      .where('reported_on', '=', '2023-03-05')
      .execute();
    const refused = await request(app, 'POST', url, {
      cookie: analyst,
      json: {
        decision: 'retain',
        reason: 'Keep them a while',
        reviewOn: '2024-05-31',
        before: '2024-06-01',
      },
    });
    expect(refused.status).toBe(422);
    expect(
      await db.kysely
        .selectFrom('record_retention as x')
        .innerJoin('intelligence_record as r', 'r.id', 'x.record_id')
        .select('x.id')
        .where('r.batch_id', '=', batchId)
        .execute(),
    ).toEqual([]);

    const version = async () =>
      Number(
        (
          await db.kysely
            .selectFrom('partnership')
            .select('data_version')
            .where('id', '=', seed.partnershipId)
            .executeTakeFirstOrThrow()
        ).data_version,
      );
    const before = await version();
    const erased = await request(app, 'POST', url, {
      cookie: analyst,
      json: { decision: 'erase', reason: 'Past its retention period' },
    });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ decision: 'erase', records: 3, reviewOn: null });
    expect(await reviewOnOf(batchId)).toEqual([['2024-02-05', '2025-02-05']]);
    expect(await version()).toBe(before + 1);
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'action', 'query'])
      .where('object_id', '=', batchId)
      .where('action', '=', 'records.erase-batch')
      .execute();
    expect(audit).toEqual([
      {
        category: 'erasure',
        action: 'records.erase-batch',
        query: { before: '2024-06-01', records: 3, reason: 'Past its retention period' },
      },
    ]);
  });

  it('keeps other partnerships out of records', async () => {
    const other = await seedUploadPartnership(deps, { slug: 'other-csp' });
    const cookie = await signIn(app, other.users.analyst.email, other.users.analyst.password);
    const mine = await db.kysely
      .selectFrom('intelligence_record')
      .select('id')
      .where('partnership_id', '=', seed.partnershipId)
      .executeTakeFirstOrThrow();
    const erase = await request(app, 'DELETE', `/api/records/${mine.id}`, {
      cookie,
      json: { reason: 'Not mine to erase' },
    });
    expect(erase.status).toBe(404);
    const due = (await (
      await request(app, 'GET', '/api/records/review-due?before=2030-01-01', { cookie })
    ).json()) as { records: unknown[] };
    expect(due.records).toEqual([]);
    const batch = await db.kysely
      .selectFrom('batch')
      .select('id')
      .where('partnership_id', '=', seed.partnershipId)
      .executeTakeFirstOrThrow();
    const bulk = await request(app, 'POST', `/api/records/review-due/batches/${batch.id}`, {
      cookie,
      json: { decision: 'erase', reason: 'Not mine to erase', before: '2030-01-01' },
    });
    expect(bulk.status).toBe(404);
  });
});
