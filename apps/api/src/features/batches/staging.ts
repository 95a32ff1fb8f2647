import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Db } from '@hotspot/db';
import { type Compilable, type CompiledQuery, sql } from 'kysely';
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
 * The transaction an upload is staged in. Bulk writes go the fastest way each database offers
 * (COPY through postgres.js on PostgreSQL, multi-row INSERT ... SELECT FROM json_to_recordset on
 * PGlite); other statements are built with Kysely and run on the same connection.
 *
 * On PostgreSQL, rows go into ONE `COPY batch_row ... FROM STDIN` kept open across writeRows
 * calls: writeRows resolves once its lines are queued (waiting only when too much is in flight),
 * so the server stores rows while the caller parses the next ones. The COPY is finished (and its
 * errors surface) before any other statement and before the transaction commits.
 */
export interface StagingTransaction {
  execute<R>(query: Compilable<R>): Promise<R[]>;
  writeRows(batchId: string, rows: readonly StagedRow[]): Promise<void>;
  writeProblems(batchId: string, problems: readonly StagedProblem[]): Promise<void>;
}

// Bytes of COPY data allowed to wait in this process for the socket before writeRows waits for
// 'drain': enough to keep the server busy while the next chunk is parsed, bounded so memory
// stays flat whatever the file size.
const COPY_IN_FLIGHT_BYTES = 4 * 1024 * 1024;

/** An open `COPY ... FROM STDIN`, fed chunk by chunk. */
class OpenCopy {
  private error: unknown = null;
  constructor(private readonly writable: Writable) {
    writable.on('error', (error) => {
      this.error ??= error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.error !== null) throw this.error;
    if (this.writable.write(text) || this.writable.writableLength < COPY_IN_FLIGHT_BYTES) return;
    await once(this.writable, 'drain'); // rejects on 'error'
  }

  /** Ends the COPY and waits for the server to accept it; throws what the server refused. */
  async end(): Promise<void> {
    if (this.error !== null) throw this.error;
    this.writable.end();
    await finished(this.writable);
  }

  /** Abandons the COPY (CopyFail), so the connection can roll back. */
  async abort(reason: unknown): Promise<void> {
    if (this.writable.destroyed) return;
    this.writable.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    await finished(this.writable).catch(() => undefined);
  }
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
export async function withStagingTransaction<T>(
  db: Db,
  work: (tx: StagingTransaction) => Promise<T>,
): Promise<T> {
  if (db.kind === 'postgres' && db.postgresClient) {
    const result = await db.postgresClient.begin(async (tx) => {
      await tx.unsafe(`set local time zone '${PARTNERSHIP_TIME_ZONE}'`);
      // The open COPY into batch_row, if any; one connection runs one statement at a time.
      let rowCopy = null as OpenCopy | null;
      const endRowCopy = async () => {
        const open = rowCopy;
        rowCopy = null;
        await open?.end();
      };
      const openCopy = async (table: string, columns: readonly string[]) =>
        new OpenCopy(
          await tx.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable(),
        );
      const run = async <R>(query: Compilable<R> | CompiledQuery<R>): Promise<R[]> => {
        await endRowCopy();
        const compiled = 'compile' in query ? query.compile() : query;
        // as never[]: kysely types compiled parameters as unknown, postgres.js wants its own
        // serialisable types; they are the plain values the query was built from.
        return (await tx.unsafe(compiled.sql, compiled.parameters as never[])) as unknown as R[];
      };
      try {
        const value = await work({
          execute: run,
          writeRows: async (batchId, rows) => {
            if (rows.length === 0) return;
            let text = '';
            for (const row of rows) text += copyRowLine(batchId, row);
            rowCopy ??= await openCopy('batch_row', ROW_COLUMNS);
            await rowCopy.write(text);
          },
          writeProblems: async (batchId, problems) => {
            if (problems.length === 0) return;
            await endRowCopy();
            let text = '';
            for (const problem of problems) text += copyProblemLine(batchId, problem);
            const copy = await openCopy('batch_error', PROBLEM_COLUMNS);
            await copy.write(text);
            await copy.end();
          },
        });
        await endRowCopy();
        return [value] as const;
      } catch (error) {
        // Leave COPY mode first, or the rollback that follows could not be sent.
        await rowCopy?.abort(error);
        throw error;
      }
    });
    return result[0];
  }
  return db.kysely.transaction().execute(async (trx) => {
    await sql.raw(`set local time zone '${PARTNERSHIP_TIME_ZONE}'`).execute(trx);
    return work({
      execute: async (query) => (await trx.executeQuery(query)).rows,
      writeRows: async (batchId, rows) => {
        if (rows.length === 0) return;
        await sql`
          insert into batch_row (${sql.raw(ROW_COLUMNS.join(', '))})
          select ${batchId}::uuid, r."rowNo", r."reportedOn", r."occurredFrom", r."occurredTo",
            ST_SetSRID(ST_MakePoint(r.lng, r.lat), 4326), r.precision, r."placeType", r.category,
            r."sourceAgencyId", r."sourceGrade", r."intelligenceGrade", r."handlingCode",
            r.summary, r."externalRef", r.fingerprint
          from json_to_recordset(${JSON.stringify(rows)}::json) as r(
            "rowNo" integer, "reportedOn" date, "occurredFrom" timestamptz,
            "occurredTo" timestamptz, lng double precision, lat double precision,
            precision text, "placeType" text, category text, "sourceAgencyId" uuid,
            "sourceGrade" text, "intelligenceGrade" text, "handlingCode" text, summary text,
            "externalRef" text, fingerprint text
          )`.execute(trx);
      },
      writeProblems: async (batchId, problems) => {
        if (problems.length === 0) return;
        await sql`
          insert into batch_error (${sql.raw(PROBLEM_COLUMNS.join(', '))})
          select ${batchId}::uuid, p.seq, p."rowNo", p.column, p.code, p.message, p.skipped
          from json_to_recordset(${JSON.stringify(problems)}::json) as p(
            seq integer, "rowNo" integer, "column" text, code text, message text, skipped boolean
          )`.execute(trx);
      },
    });
  });
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** COPY text format: backslash, tab and line breaks escaped; \N is NULL. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
  );
}

function copyRowLine(batchId: string, r: StagedRow): string {
  // Fixed decimals in the EWKT: String() would write tiny values in exponent form, which EWKT
  // refuses.
  return `${batchId}\t${r.rowNo}\t${r.reportedOn}\t${copyText(r.occurredFrom)}\t${copyText(r.occurredTo)}\tSRID=4326;POINT(${r.lng.toFixed(7)} ${r.lat.toFixed(7)})\t${r.precision}\t${copyText(r.placeType)}\t${copyText(r.category)}\t${r.sourceAgencyId}\t${r.sourceGrade}\t${r.intelligenceGrade}\t${r.handlingCode}\t${copyText(r.summary)}\t${copyText(r.externalRef)}\t${r.fingerprint}\n`;
}

function copyProblemLine(batchId: string, p: StagedProblem): string {
  return `${[
    batchId,
    String(p.seq),
    String(p.rowNo),
    copyText(p.column),
    copyText(p.code),
    copyText(p.message),
    p.skipped ? 't' : 'f',
  ].join('\t')}\n`;
}
