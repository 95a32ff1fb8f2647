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
import { request, seedUploadPartnership, stagingCounts } from './test-support.ts';

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
  });
});
