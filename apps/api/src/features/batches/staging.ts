import { type BulkRow, type Db, withBulkTransaction } from '@hotspot/db';
import type { Compilable } from 'kysely';
import { PARTNERSHIP_TIME_ZONE } from './ingest-setup.ts';

/** One valid row waiting in batch_row for commit. */
export interface StagedRow {
  readonly rowNo: number;
  readonly reportedOn: string;
  /** Local date or date-time without offset (UK time), as ingest gives it. */
  readonly occurredFrom: string | null;
  readonly occurredTo: string | null;
  readonly lng: number;
  readonly lat: number;
  readonly precision: string;
  readonly placeType: string;
  readonly category: string;
  readonly sourceAgencyId: string;
  readonly sourceGrade: string;
  readonly intelligenceGrade: string;
  readonly handlingCode: string;
  readonly summary: string | null;
  readonly externalRef: string | null;
  readonly fingerprint: string;
}

/** One row-level problem (or deliberate skip) kept for the error report. */
export interface StagedProblem {
  readonly seq: number;
  readonly rowNo: number;
  readonly column: string | null;
  readonly code: string;
  readonly message: string;
  readonly skipped: boolean;
}

/**
 * The transaction an upload is staged in: rows and problems are appended in bulk through
 * `withBulkTransaction` (packages/db: COPY on PostgreSQL, one INSERT per chunk on PGlite), other
 * statements are built with Kysely and run on the same connection.
 */
export interface StagingTransaction {
  execute<R>(query: Compilable<R>): Promise<R[]>;
  writeRows(batchId: string, rows: readonly StagedRow[]): Promise<void>;
  writeProblems(batchId: string, problems: readonly StagedProblem[]): Promise<void>;
}

const ROW_COLUMNS = [
  'batch_id',
  'row_no',
  'reported_on',
  'occurred_from',
  'occurred_to',
  'location',
  'precision',
  'place_type',
  'category',
  'source_agency_id',
  'source_grade',
  'intelligence_grade',
  'handling_code',
  'summary',
  'external_ref',
  'fingerprint',
] as const;

const PROBLEM_COLUMNS = [
  'batch_id',
  'seq',
  'row_no',
  'column_name',
  'code',
  'message',
  'skipped',
] as const;

/**
 * Runs `work` in one transaction: everything it writes is kept only if it returns; a throw
 * (a file error found at the end, a cut-off body, a 409) leaves nothing behind.
 * Occurred date-times are local UK times, so the session time zone is set for the transaction:
 * text without an offset becomes timestamptz in Europe/London whichever way it is written.
 */
export function withStagingTransaction<T>(
  db: Db,
  work: (tx: StagingTransaction) => Promise<T>,
): Promise<T> {
  return withBulkTransaction(db, { timeZone: PARTNERSHIP_TIME_ZONE }, (tx) =>
    work({
      execute: (query) => tx.execute(query),
      writeRows: (batchId, rows) =>
        tx.append(
          'batch_row',
          ROW_COLUMNS,
          rows.map((r) => rowFields(batchId, r)),
        ),
      writeProblems: (batchId, problems) =>
        tx.append(
          'batch_error',
          PROBLEM_COLUMNS,
          problems.map((p) => problemFields(batchId, p)),
        ),
    }),
  );
}

function rowFields(batchId: string, r: StagedRow): BulkRow {
  return [
    batchId,
    String(r.rowNo),
    r.reportedOn,
    r.occurredFrom,
    r.occurredTo,
    // Fixed decimals in the EWKT: String() would write tiny values in exponent form, which EWKT
    // refuses.
    `SRID=4326;POINT(${r.lng.toFixed(7)} ${r.lat.toFixed(7)})`,
    r.precision,
    r.placeType,
    r.category,
    r.sourceAgencyId,
    r.sourceGrade,
    r.intelligenceGrade,
    r.handlingCode,
    r.summary,
    r.externalRef,
    r.fingerprint,
  ];
}

function problemFields(batchId: string, p: StagedProblem): BulkRow {
  return [
    batchId,
    String(p.seq),
    String(p.rowNo),
    p.column,
    p.code,
    p.message,
    p.skipped ? 't' : 'f',
  ];
}
