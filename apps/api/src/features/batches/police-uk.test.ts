import { Readable } from 'node:stream';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { policeUkStream } from '@hotspot/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createTestClock,
  type SeededPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { request, seedUploadPartnership, uploadRaw } from './test-support.ts';

/*
 * The four police.uk street-level files, uploaded end to end through the API for the North
 * Worcestershire area (2013 districts of Bromsgrove, Redditch and Wyre Forest). The expected
 * counts were computed independently by the ingest package's author (see
 * packages/ingest/src/police-uk.test.ts): valid rows, rows skipped without a location, rows
 * outside the partnership.
 */
const MONTHS = [
  ['2024-01', 7700, 1648, 141, 5911],
  ['2024-02', 7654, 1661, 151, 5842],
  ['2024-03', 8529, 1952, 191, 6386],
  ['2024-04', 8540, 1950, 152, 6438],
] as const;

describe.each(testDatabases())('police.uk files through the API on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let seed: SeededPartnership;
  let analyst: string;

  beforeAll(async () => {
    db = await target.open();
    const created = createTestApp(db, { clock: createTestClock('2024-06-01T12:00:00Z') });
    app = created.app;
    seed = await seedUploadPartnership(created.deps);
    analyst = await signIn(app, seed.users.analyst.email, seed.users.analyst.password);
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(MONTHS)(
    '%s: %d rows -> %d valid, %d skipped without location, %d outside the area',
    async (month, total, valid, skipped, outside) => {
      const body = Readable.toWeb(policeUkStream(month, 64 * 1024)) as ReadableStream<Uint8Array>;
      const res = await uploadRaw(app, analyst, body, {
        fileName: `${month}-west-mercia-street.csv`,
      });
      expect(res.status).toBe(201);
      const batch = (await res.json()) as {
        id: string;
        profile: string;
        status: string;
        rows: unknown;
        errorCounts: unknown;
        skippedCounts: unknown;
        errors: { code: string; at?: unknown; place?: string }[];
      };
      expect(batch).toMatchObject({
        profile: 'police-uk',
        status: 'validated',
        // Every invalid row is only outside the area: counted apart, as not a mistake to fix.
        rows: { total, valid, invalid: outside, skipped, outside },
        errorCounts: [{ code: 'outside-area', count: outside }],
        skippedCounts: [{ reason: 'no-location', count: skipped }],
      });
      // Each row kept for the preview says where it is: police.uk's place and its coordinates.
      for (const error of batch.errors) {
        expect(error.place).toMatch(/^On or near /);
        expect(error.at).toEqual({ lng: expect.any(Number), lat: expect.any(Number) });
      }

      const commit = await request(app, 'POST', `/api/batches/${batch.id}/commit`, {
        cookie: analyst,
      });
      expect(await commit.json()).toMatchObject({ status: 'committed', recordsAdded: valid });
      const records = await db.kysely
        .selectFrom('intelligence_record as r')
        .innerJoin('agency as a', 'a.id', 'r.source_agency_id')
        .select(['r.precision', 'r.place_type', 'a.code', 'r.reported_on'])
        .where('r.batch_id', '=', batch.id)
        .groupBy(['r.precision', 'r.place_type', 'a.code', 'r.reported_on'])
        .execute();
      // Month -> first day, snapped points -> street precision, the partnership's police agency.
      expect(records).toEqual([
        { precision: 'street', place_type: 'street', code: 'POL', reported_on: `${month}-01` },
      ]);
      // The batch's grain (migration 0011): dated to the month, locations on shared snap points.
      expect(
        await db.kysely
          .selectFrom('batch')
          .select(['date_precision', 'locations_snapped'])
          .where('id', '=', batch.id)
          .executeTakeFirst(),
      ).toEqual({ date_precision: 'month', locations_snapped: true });
    },
  );
});
