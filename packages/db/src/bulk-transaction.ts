import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type Compilable, type CompiledQuery, sql } from 'kysely';
import type { Db } from './create-db.ts';

/**
 * One row for `append`: a value per column, in the columns' order, as the column's text input
 * form (what `COPY ... FROM STDIN` reads: '12', '2024-01-31', 'SRID=4326;POINT(1 2)', 't');
 * null is NULL.
 */
export type BulkRow = readonly (string | null)[];

/**
 * A transaction for bulk writes. `append` goes the fastest way each database offers: on
 * PostgreSQL, ONE `COPY table (...) FROM STDIN` per run of appends to the same table, kept open
 * across calls (an append resolves once its lines are queued, waiting only when too much is in
 * flight, so the server stores rows while the caller prepares the next ones); on PGlite, a
 * multi-row INSERT ... SELECT FROM json_populate_recordset. An open COPY is finished, and its
 * errors surface, before any other statement and before the transaction commits.
 */
export interface BulkTransaction {
  execute<R>(query: Compilable<R> | CompiledQuery<R>): Promise<R[]>;
  append(table: string, columns: readonly string[], rows: readonly BulkRow[]): Promise<void>;
}

export interface BulkTransactionOptions {
  /** The session time zone for the transaction: text dates without an offset are read in it. */
  readonly timeZone?: string;
}

/**
 * Runs `work` in one transaction: everything it writes is kept only if it returns; a throw
 * leaves nothing behind.
 *
 * @example
 * await withBulkTransaction(db, { timeZone: 'Europe/London' }, (tx) =>
 *   tx.append('batch_error', ['batch_id', 'seq', ...], [[batchId, '1', ...]]));
 */
export async function withBulkTransaction<T>(
  db: Db,
  options: BulkTransactionOptions,
  work: (tx: BulkTransaction) => Promise<T>,
): Promise<T> {
  const timeZone = options.timeZone === undefined ? null : quoteTimeZone(options.timeZone);
  if (db.kind === 'postgres' && db.postgresClient) {
    const result = await db.postgresClient.begin(async (tx) => {
      if (timeZone !== null) await tx.unsafe(`set local time zone ${timeZone}`);
      // The open COPY, if any; one connection runs one statement at a time.
      let open = null as { table: string; columns: string; copy: OpenCopy } | null;
      const endCopy = async () => {
        const ending = open;
        open = null;
        await ending?.copy.end();
      };
      try {
        const value = await work({
          execute: async <R>(query: Compilable<R> | CompiledQuery<R>): Promise<R[]> => {
            await endCopy();
            const compiled = 'compile' in query ? query.compile() : query;
            // as never[]: kysely types compiled parameters as unknown, postgres.js wants its own
            // serialisable types; they are the plain values the query was built from.
            return (await tx.unsafe(
              compiled.sql,
              compiled.parameters as never[],
            )) as unknown as R[];
          },
          append: async (table, columns, rows) => {
            if (rows.length === 0) return;
            const columnList = columns.join(', ');
            if (open === null || open.table !== table || open.columns !== columnList) {
              await endCopy();
              const writable = await tx
                .unsafe(`copy ${table} (${columnList}) from stdin`)
                .writable();
              open = { table, columns: columnList, copy: new OpenCopy(writable) };
            }
            let text = '';
            for (const row of rows) text += `${row.map(copyText).join('\t')}\n`;
            await open.copy.write(text);
          },
        });
        await endCopy();
        return [value] as const;
      } catch (error) {
        // Leave COPY mode first, or the rollback that follows could not be sent.
        await open?.copy.abort(error);
        throw error;
      }
    });
    return result[0];
  }
  return db.kysely.transaction().execute(async (trx) => {
    if (timeZone !== null) await sql.raw(`set local time zone ${timeZone}`).execute(trx);
    return work({
      execute: async (query) => (await trx.executeQuery(query)).rows,
      append: async (table, columns, rows) => {
        if (rows.length === 0) return;
        const objects = rows.map((row) =>
          Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])),
        );
        const columnList = sql.raw(columns.map((c) => `"${c}"`).join(', '));
        await sql`
          insert into ${sql.table(table)} (${columnList})
          select ${columnList}
          from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(objects)}::json)`.execute(
          trx,
        );
      },
    });
  });
}

function quoteTimeZone(zone: string): string {
  if (!/^[A-Za-z0-9_/+-]+$/.test(zone)) throw new Error(`Not a time zone name: ${zone}`);
  return `'${zone}'`;
}

// Bytes of COPY data allowed to wait in this process for the socket before an append waits for
// 'drain': enough to keep the server busy while the next chunk is prepared, bounded so memory
// stays flat whatever the size of the load.
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

const COPY_SPECIAL = /[\\\t\n\r]/;

/** COPY text format: backslash, tab and line breaks escaped; \N is NULL. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
  );
}
