import type { RowError } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { csvLine } from '../audit/index.ts';

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

/** The file name of a batch of the partnership (404 otherwise), for the errors report. */
export async function batchFileName(db: Db, partnershipId: string, id: string): Promise<string> {
  const batch = await db.kysely
    .selectFrom('batch')
    .select('file_name')
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  if (!batch) throw notFound();
  return batch.file_name;
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

/** Every row error and skipped row of a batch as CSV, streamed a page at a time in file order. */
export function batchErrorsCsv(db: Db, id: string): ReadableStream<Uint8Array> {
  const problems = batchProblems(db, id);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(['row', 'column', 'code', 'message', 'kind'])));
    },
    async pull(controller) {
      const next = await problems.next();
      if (next.done) return controller.close();
      const p = next.value;
      controller.enqueue(
        encoder.encode(
          csvLine([p.row_no, p.column_name, p.code, p.message, p.skipped ? 'skipped' : 'error']),
        ),
      );
    },
    async cancel() {
      await problems.return(undefined);
    },
  });
}
