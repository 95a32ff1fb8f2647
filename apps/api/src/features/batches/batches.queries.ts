import type { RowError } from '@hotspot/contracts';
import type { Database, Db } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { bumpDataVersion } from '../partnership/index.ts';
import { recordBatchGrain } from './batch-grain.ts';
import { alreadyCommitted } from './upload.ts';

export type BatchStatus = 'validated' | 'committed' | 'rejected' | 'withdrawn';

export interface BatchView {
  readonly id: string;
  readonly fileName: string;
  readonly profile: 'native-csv' | 'geojson' | 'police-uk' | 'single';
  readonly status: BatchStatus;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** `outside`: rows whose only problem is a location outside the area (within `invalid`). */
  readonly rows: {
    total: number;
    valid: number;
    invalid: number;
    skipped: number;
    outside: number;
  };
  readonly uploadedAt: string;
  readonly uploadedBy: { id: string; name: string };
  readonly committedAt: string | null;
  readonly committedBy: { id: string; name: string } | null;
  readonly withdrawnAt: string | null;
  readonly withdrawnBy: { id: string; name: string } | null;
  readonly withdrawReason: string | null;
}

export interface BatchDetail extends BatchView {
  /** The first 1,000 row errors, in file order. */
  readonly errors: RowError[];
  /** Every problem of the batch counted by code, skips apart, most frequent first. */
  readonly errorCounts: { code: string; count: number }[];
  readonly skippedCounts: { reason: string; count: number }[];
  /**
   * Rows whose only problem is a location outside the area: a force-wide police.uk file is
   * mostly such rows, which are not mistakes to fix, so they are reported apart.
   */
  readonly outsideAreaRows: number;
  /**
   * Before commit: the valid rows whose review date (reported date plus the partnership's
   * retention period) has already come, so they would arrive due for review, and the latest
   * reported date that makes a row so. Null once the batch is no longer waiting for commit.
   */
  readonly dueOnArrival: {
    readonly rows: number;
    readonly reportedOnOrBefore: string;
    readonly retentionMonths: number;
  } | null;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

function batchQuery(db: Db, partnershipId: string) {
  return db.kysely
    .selectFrom('batch as b')
    .innerJoin('app_user as up', 'up.id', 'b.uploaded_by')
    .leftJoin('app_user as cb', 'cb.id', 'b.committed_by')
    .leftJoin('app_user as wb', 'wb.id', 'b.withdrawn_by')
    .where('b.partnership_id', '=', partnershipId)
    .select([
      'b.id',
      'b.file_name',
      'b.profile',
      'b.status',
      'b.sha256',
      'b.size_bytes',
      'b.rows_total',
      'b.rows_valid',
      'b.rows_invalid',
      'b.rows_skipped',
      'b.rows_outside',
      'b.uploaded_at',
      'b.uploaded_by',
      'up.display_name as uploaded_by_name',
      'b.committed_at',
      'b.committed_by',
      'cb.display_name as committed_by_name',
      'b.withdrawn_at',
      'b.withdrawn_by',
      'wb.display_name as withdrawn_by_name',
      'b.withdraw_reason',
    ]);
}

type BatchRow = Awaited<ReturnType<ReturnType<typeof batchQuery>['executeTakeFirstOrThrow']>>;

function toBatchView(r: BatchRow): BatchView {
  return {
    id: r.id,
    fileName: r.file_name,
    profile: r.profile,
    status: r.status,
    sha256: r.sha256,
    sizeBytes: Number(r.size_bytes),
    rows: {
      total: r.rows_total,
      valid: r.rows_valid,
      invalid: r.rows_invalid,
      skipped: r.rows_skipped,
      outside: r.rows_outside,
    },
    uploadedAt: iso(r.uploaded_at) as string,
    uploadedBy: { id: r.uploaded_by, name: r.uploaded_by_name },
    committedAt: iso(r.committed_at),
    committedBy:
      r.committed_by && r.committed_by_name
        ? { id: r.committed_by, name: r.committed_by_name }
        : null,
    withdrawnAt: iso(r.withdrawn_at),
    withdrawnBy:
      r.withdrawn_by && r.withdrawn_by_name
        ? { id: r.withdrawn_by, name: r.withdrawn_by_name }
        : null,
    withdrawReason: r.withdraw_reason,
  };
}

/** The partnership's batches, newest first. */
export async function listBatches(
  db: Db,
  partnershipId: string,
  limit: number,
): Promise<BatchView[]> {
  const rows = await batchQuery(db, partnershipId)
    .orderBy('b.uploaded_at', 'desc')
    .orderBy('b.id')
    .limit(limit)
    .execute();
  return rows.map(toBatchView);
}

/** One batch of the partnership with its first errors and problem counts; 404 otherwise. */
export async function getBatchDetail(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  partnershipId: string,
  id: string,
): Promise<BatchDetail> {
  const db = deps.db;
  const row = await batchQuery(db, partnershipId)
    .select('b.errors')
    .where('b.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound();
  const counts = await db.kysely
    .selectFrom('batch_error')
    .select(['code', 'skipped', sql<string>`count(*)`.as('n')])
    .where('batch_id', '=', id)
    .groupBy(['code', 'skipped'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('code')
    .execute();
  // The same rule and day as commitBatch, so the warning's count is the count commit reports.
  const today = deps.clock().toISOString().slice(0, 10);
  const due =
    row.status === 'validated'
      ? (
          await sql<{ n: string; cutoff: string; months: number }>`
            select count(r.row_no) filter (
                where (r.reported_on + make_interval(months => p.retention_months))::date <= ${today}::date
              )::text as n,
              (${today}::date - make_interval(months => p.retention_months))::date::text as cutoff,
              p.retention_months as months
            from partnership p left join batch_row r on r.batch_id = ${id}
            where p.id = ${partnershipId}
            group by p.retention_months`.execute(db.kysely)
        ).rows[0]
      : undefined;
  return {
    ...toBatchView(row),
    dueOnArrival: due
      ? {
          rows: Number(due.n),
          reportedOnOrBefore: due.cutoff,
          retentionMonths: Number(due.months),
        }
      : null,
    outsideAreaRows: row.rows_outside,
    errors: (row.errors ?? []) as unknown as RowError[],
    errorCounts: counts
      .filter((c) => !c.skipped)
      .map((c) => ({ code: c.code, count: Number(c.n) })),
    skippedCounts: counts
      .filter((c) => c.skipped)
      .map((c) => ({ reason: c.code, count: Number(c.n) })),
  };
}

export function notFound(): ProblemError {
  return new ProblemError(PROBLEM.notFound, 'No such batch in your partnership.');
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === '23505';
const isForeignKeyViolation = (error: unknown) => (error as { code?: unknown }).code === '23503';

export interface CommitResult {
  readonly recordsAdded: number;
  /** The first and last reported dates of the records added (null when none were). */
  readonly reportedFrom: string | null;
  readonly reportedTo: string | null;
  /** Records whose review date had already come when they were added. */
  readonly alreadyDueForReview: number;
}

/**
 * Moves a validated batch's staged rows into intelligence_record in ONE transaction: every row
 * or none. The conditional UPDATE takes the batch's row lock, so of two analysts committing at
 * once the second waits, then sees status 'committed' and gets 409. Each record's review date
 * is its reported date plus the partnership's retention period; British National Grid
 * coordinates are derived by PostGIS. data_version moves on so layer caches are invalidated.
 */
export async function commitBatch(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  partnershipId: string,
  userId: string,
  id: string,
): Promise<CommitResult> {
  const db = deps.db;
  const today = deps.clock().toISOString().slice(0, 10);
  let committed: CommitResult;
  try {
    committed = await db.kysely.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('batch')
        .set({ status: 'committed', committed_at: deps.clock(), committed_by: userId })
        .where('id', '=', id)
        .where('partnership_id', '=', partnershipId)
        .where('status', '=', 'validated')
        .returning('id')
        .executeTakeFirst();
      if (!claimed) {
        const current = await trx
          .selectFrom('batch')
          .select('status')
          .where('id', '=', id)
          .where('partnership_id', '=', partnershipId)
          .executeTakeFirst();
        if (!current) throw notFound();
        throw new ProblemError(
          PROBLEM.conflict,
          current.status === 'committed'
            ? 'This batch has already been committed.'
            : `A ${current.status} batch cannot be committed.`,
          { reason: `batch-${current.status}` },
        );
      }
      // Counted in SQL: drivers differ in how they report affected rows of raw statements.
      const inserted = await sql<{
        added: string;
        first: string | null;
        last: string | null;
        due: string;
      }>`
        with added as (
          insert into intelligence_record (
            partnership_id, batch_id, row_no, reported_on, occurred_from, occurred_to, location,
            easting, northing, precision, place_type, category, source_agency_id, source_grade,
            intelligence_grade, handling_code, summary, external_ref, fingerprint, review_on)
          select ${partnershipId}::uuid, r.batch_id, r.row_no, r.reported_on, r.occurred_from,
            r.occurred_to, r.location, ST_X(bng.point), ST_Y(bng.point), r.precision,
            r.place_type, r.category, r.source_agency_id, r.source_grade, r.intelligence_grade,
            r.handling_code, r.summary, r.external_ref, r.fingerprint,
            (r.reported_on + make_interval(months => p.retention_months))::date
          from batch_row r cross join partnership p
            -- One projection per row, not one for X and another for Y ("offset 0" keeps the
            -- planner from inlining the subquery back into two calls).
            cross join lateral (select ST_Transform(r.location, 27700) as point offset 0) bng
          where r.batch_id = ${id} and p.id = ${partnershipId}
          returning reported_on, review_on
        )
        select count(*)::text as added, min(reported_on)::text as first,
          max(reported_on)::text as last,
          (count(*) filter (where review_on <= ${today}::date))::text as due
        from added`.execute(trx);
      await trx.deleteFrom('batch_row').where('batch_id', '=', id).execute();
      await recordBatchGrain(trx, id);
      await bumpDataVersion(trx, partnershipId);
      const totals = inserted.rows[0];
      return {
        recordsAdded: Number(totals?.added ?? 0),
        reportedFrom: totals?.first ?? null,
        reportedTo: totals?.last ?? null,
        alreadyDueForReview: Number(totals?.due ?? 0),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const other = await db.kysely
        .selectFrom('batch as b')
        .innerJoin('batch as mine', (j) =>
          j
            .onRef('mine.sha256', '=', 'b.sha256')
            .onRef('mine.partnership_id', '=', 'b.partnership_id'),
        )
        .select(['b.id', 'b.file_name', 'b.committed_at'])
        .where('mine.id', '=', id)
        .where('b.status', '=', 'committed')
        .executeTakeFirst();
      if (other) throw alreadyCommitted(other);
      throw new ProblemError(PROBLEM.conflict, 'The same file has just been committed.');
    }
    if (isForeignKeyViolation(error)) {
      throw new ProblemError(
        PROBLEM.conflict,
        'An agency, category or place type this batch uses no longer exists. Upload the file again.',
        { reason: 'taxonomy-changed' },
      );
    }
    throw error;
  }
  await refreshRecordStatistics(db.kysely);
  return committed;
}

/**
 * ANALYZE after a bulk load, as PostgreSQL's "Populating a Database" advises: until autovacuum
 * gets to it the planner still sees the table as it was, and the first map request after a large
 * commit took a nested-loop plan (the record selection for 100,000 new records: 1,008 ms, about
 * 600 ms with statistics). It samples a fixed number of rows, so it costs about the same at any size.
 * The commit has already succeeded: a failure here (e.g. the connection lost) must not turn it
 * into an error the client would retry, and autovacuum analyses the table later anyway.
 */
export async function refreshRecordStatistics(db: Kysely<Database>): Promise<void> {
  // The published table grew in the same commit: without statistics the first published map
  // request planned an index scan and sort for a table it thought empty.
  await sql`analyze intelligence_record, published_cell, published_cell_total`
    .execute(db)
    .catch(() => undefined);
}

/**
 * Withdraws a batch: its records are deleted for real (with their retention decisions), its
 * staged rows too, and the batch stays with who, when and why. 409 when already withdrawn.
 */
export async function withdrawBatch(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  partnershipId: string,
  userId: string,
  id: string,
  reason: string,
): Promise<{ recordsRemoved: number; previousStatus: BatchStatus }> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('batch')
      .select('status')
      .where('id', '=', id)
      .where('partnership_id', '=', partnershipId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound();
    if (current.status === 'withdrawn') {
      throw new ProblemError(PROBLEM.conflict, 'This batch has already been withdrawn.', {
        reason: 'batch-withdrawn',
      });
    }
    const removed = await trx
      .deleteFrom('intelligence_record')
      .where('batch_id', '=', id)
      .where('partnership_id', '=', partnershipId)
      .executeTakeFirst();
    await trx.deleteFrom('batch_row').where('batch_id', '=', id).execute();
    await trx
      .updateTable('batch')
      .set({
        status: 'withdrawn',
        withdrawn_at: deps.clock(),
        withdrawn_by: userId,
        withdraw_reason: reason,
      })
      .where('id', '=', id)
      .execute();
    const recordsRemoved = Number(removed.numDeletedRows);
    if (recordsRemoved > 0) await bumpDataVersion(trx, partnershipId);
    return { recordsRemoved, previousStatus: current.status };
  });
}

export const PREVIEW_ROWS = 50;

/**
 * The first valid rows of a batch as a GeoJSON FeatureCollection built by PostGIS: staged rows
 * before commit, the records after. Analysts only (record-level data).
 */
export async function previewBatch(db: Db, partnershipId: string, id: string): Promise<string> {
  const batch = await db.kysely
    .selectFrom('batch')
    .select('status')
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  if (!batch) throw notFound();
  const table = batch.status === 'committed' ? 'intelligence_record' : 'batch_row';
  const result = await sql<{ fc: string }>`
    select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature',
      'geometry', ST_AsGeoJSON(r.location, 7)::json,
      'properties', json_build_object(
        'row', r.row_no, 'reportedOn', r.reported_on, 'occurredFrom', r.occurred_from,
        'occurredTo', r.occurred_to, 'precision', r.precision, 'placeType', r.place_type,
        'category', r.category, 'sourceAgency', a.code, 'sourceGrade', r.source_grade,
        'intelligenceGrade', r.intelligence_grade, 'handlingCode', r.handling_code,
        'summary', r.summary, 'externalRef', r.external_ref)
    ) order by r.row_no), '[]'::json))::text as fc
    from (select * from ${sql.table(table)} where batch_id = ${id} order by row_no limit ${PREVIEW_ROWS}) r
    join agency a on a.id = r.source_agency_id`.execute(db.kysely);
  return result.rows[0]?.fc ?? '{"type":"FeatureCollection","features":[]}';
}

const ERROR_PAGE_ROWS = 5000;

/** Every problem of a batch in file order, a page at a time (for errors.csv). */
export async function* batchProblems(db: Db, id: string) {
  let after = 0;
  for (;;) {
    const page = await db.kysely
      .selectFrom('batch_error')
      .select(['seq', 'row_no', 'column_name', 'code', 'message', 'skipped'])
      .where('batch_id', '=', id)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(ERROR_PAGE_ROWS)
      .execute();
    yield* page;
    if (page.length < ERROR_PAGE_ROWS) return;
    after = page.at(-1)?.seq ?? after;
  }
}
