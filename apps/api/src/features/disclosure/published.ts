/**
 * The published table (disclosure control version 2, DESIGN.md section 5; docs/SECURITY.md):
 * true counts of P records per (lattice cell, month, category, place type, source grade,
 * intelligence grade), kept current by database triggers (migration 0007) and, for committed
 * batches, by a publication right after the commit (migration 0015, `ensurePublished`), and the
 * one pure function that turns a true count and its cell key into what a non-analyst may see.
 *
 * A published value is for a cell or any union of cells (over months, filter values or several
 * cells): its true count is the sum of their counts, its cell key the fractional part of the sum
 * of their record keys, so the same union always shows the same value and any two different
 * unions get unrelated noise. Counts below k publish nothing ("fewer than k"), the same as zero.
 */
import { createHash } from 'node:crypto';
import { type Db, databaseInstance, runInBackground } from '@hotspot/db';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { BoundedCache } from '../../http/bounded-cache.ts';

// Per process, by database and partnership: the publication running now, which readers join.
const publishing = new Map<string, Promise<void>>();

/**
 * Counts every committed batch of the partnership that the published table does not count yet
 * (migration 0015: a commit stores its records and leaves its batch pending, so a large commit
 * does not wait for its publication). Every reader of the published table awaits this first, so
 * none ever sees a table without a committed batch: when nothing is pending it costs one index
 * lookup. Readers in this process share one publication; other processes wait on the database's
 * lock and then find nothing left to do.
 */
export async function ensurePublished(db: Db, partnershipId: string): Promise<void> {
  const key = `${databaseInstance(db)}:${partnershipId}`;
  for (;;) {
    const running = publishing.get(key);
    if (running) {
      // It may have started before the latest commit, or failed: look again once it is done
      // (and run it here if anything is still pending, so its own failure is this caller's).
      await running.catch(() => undefined);
      continue;
    }
    const pending = await db.kysely
      .selectFrom('published_pending')
      .select('batch_id')
      .where('partnership_id', '=', partnershipId)
      .limit(1)
      .executeTakeFirst();
    if (!pending) return;
    if (publishing.has(key)) continue;
    // Takes every batch pending when it runs, so every one seen above.
    const run = (async () => {
      const applied = await sql<{ batches: number }>`
        select published_apply_pending(${partnershipId}::uuid) as batches`.execute(db.kysely);
      // As after any bulk load: the planner must see the table's new size (see
      // refreshRecordStatistics). Done with or without it, so a failure here is not one.
      if (Number(applied.rows[0]?.batches) > 0) {
        await sql`analyze published_cell, published_cell_total`
          .execute(db.kysely)
          .catch(() => undefined);
      }
    })().finally(() => publishing.delete(key));
    publishing.set(key, run);
    await run;
    return;
  }
}

/**
 * Starts publishing the partnership's pending batches now: called after a commit, which does not
 * wait for it, so the table is usually current before anyone asks for it. Never rejects: a
 * failure is logged and left to the next reader, who tries again. Closing the database waits
 * for it.
 */
export function publishSoon(
  deps: Pick<AppDeps, 'db' | 'logger'>,
  partnershipId: string,
): Promise<void> {
  const publishing = ensurePublished(deps.db, partnershipId).catch((error: unknown) =>
    logPublicationFailure(deps, partnershipId, error),
  );
  runInBackground(deps.db, publishing);
  return publishing;
}

/**
 * Publishes what an earlier run committed and did not publish (stopped in between), for every
 * partnership, rather than at each one's first reader. Resolves when all are done; never rejects
 * (a failure is logged, as in `publishSoon`).
 */
export async function publishLeftovers(deps: Pick<AppDeps, 'db' | 'logger'>): Promise<void> {
  const pending = await deps.db.kysely
    .selectFrom('published_pending')
    .select('partnership_id')
    .distinct()
    .execute()
    .catch((error: unknown) => {
      logPublicationFailure(deps, undefined, error);
      return [];
    });
  await Promise.all(pending.map((p) => publishSoon(deps, p.partnership_id)));
}

function logPublicationFailure(
  deps: Pick<AppDeps, 'logger'>,
  partnershipId: string | undefined,
  error: unknown,
): void {
  // The error's type and code only: a database message can quote values (http/errors.ts).
  const err = error as { name?: unknown; code?: unknown };
  deps.logger.warn(
    { partnershipId, err: { name: err?.name, code: err?.code } },
    'publishing committed batches failed; the next reader retries',
  );
}

/** The smallest disclosure threshold served, whatever is stored: a count of one is a person. */
const MIN_K = 2;

/** The threshold k served for a stored one: the one place k is clamped. */
export function effectiveK(storedK: number): number {
  return Math.max(MIN_K, storedK);
}

export interface PerturbationRow {
  /** The row applies to true counts n with n - k = above (the last row: n - k >= above). */
  readonly above: number;
  readonly noise: readonly number[];
  /** Cumulative probabilities, increasing, the last one 1. */
  readonly cumulative: readonly number[];
}

export interface PerturbationTable {
  readonly method: 'cell-key';
  /** No published value is further than this from the true count. */
  readonly bound: number;
  readonly rows: readonly PerturbationRow[];
}

/** Reads the stored table, refusing one that could publish below k or beyond its bound. */
export function parsePerturbationTable(stored: unknown): PerturbationTable {
  const table = (typeof stored === 'string' ? JSON.parse(stored) : stored) as PerturbationTable;
  if (table?.method !== 'cell-key' || !(table.rows?.length > 0)) {
    throw new Error('The stored perturbation table is not a cell-key table.');
  }
  table.rows.forEach((row, index) => {
    const ok =
      row.above === index &&
      row.noise.length === row.cumulative.length &&
      row.noise.every(
        (d) => Number.isInteger(d) && Math.abs(d) <= table.bound && d >= -row.above,
      ) &&
      row.cumulative.every((c, i) => c > (row.cumulative[i - 1] ?? 0)) &&
      row.cumulative.at(-1) === 1;
    if (!ok) throw new Error(`Perturbation table row ${index} is malformed.`);
  });
  return table;
}

/**
 * The cell key: the fractional part of a sum of record keys, given as the database's exact
 * decimal text (so every process and both databases read the same key).
 */
export function cellKey(keySum: string): number {
  const dot = keySum.indexOf('.');
  return dot < 0 ? 0 : Number(`0${keySum.slice(dot)}`);
}

/** The published value of a cell or union of cells: null is "fewer than k" (or nothing). */
export function publishedValue(
  n: number,
  keySum: string,
  table: PerturbationTable,
  k: number,
): number | null {
  if (n < k) return null;
  const row = table.rows[Math.min(n - k, table.rows.length - 1)]!;
  const key = cellKey(keySum);
  const at = row.cumulative.findIndex((c) => key < c);
  return n + row.noise[at < 0 ? row.noise.length - 1 : at]!;
}

/** The taxonomy filters a published value may be asked for (each empty = all). */
export interface PublishedFilters {
  readonly category: readonly string[];
  readonly placeType: readonly string[];
  readonly sourceGrade: readonly string[];
  readonly intelligenceGrade: readonly string[];
}

/** Whole calendar months, first days: `from` = first month, `to` = last month (inclusive). */
export interface MonthRange {
  readonly from: string;
  readonly to: string;
}

export interface TrueCell {
  readonly cell: string;
  readonly n: number;
  readonly keySum: string;
}

/** The partnership's districts as a published geography: one cell per district code. */
export const AREA_LATTICE = 'area:district';

export function hexLattice(sizeMeters: number): string {
  return `hex:${sizeMeters}`;
}

function filterSql(filters: PublishedFilters) {
  const any = (column: string, values: readonly string[]) =>
    values.length === 0 ? sql`` : sql`and ${sql.ref(column)} = any(${[...values]}::text[])`;
  return sql`${any('category', filters.category)} ${any('place_type', filters.placeType)}
    ${any('source_grade', filters.sourceGrade)} ${any('intelligence_grade', filters.intelligenceGrade)}`;
}

/**
 * Without filters the per-cell monthly totals answer (migration 0012): the same sums, read from
 * cells x months rows instead of one row per taxonomy and grade combination.
 */
function tableFor(filters: PublishedFilters) {
  const unfiltered =
    filters.category.length === 0 &&
    filters.placeType.length === 0 &&
    filters.sourceGrade.length === 0 &&
    filters.intelligenceGrade.length === 0;
  return sql.table(unfiltered ? 'published_cell_total' : 'published_cell');
}

/**
 * True counts and key sums per cell of one lattice over a month range and filters. `cells`
 * narrows to given cells. Server side only: what leaves goes through `publishedValue`.
 */
export async function trueCells(
  db: Db,
  partnershipId: string,
  lattice: string,
  months: MonthRange,
  filters: PublishedFilters,
  cells?: readonly string[],
): Promise<TrueCell[]> {
  await ensurePublished(db, partnershipId);
  const result = await sql<{ cell: string; n: string; key_sum: string }>`
    select cell, sum(n)::text as n, sum(key_sum)::text as key_sum
    from ${tableFor(filters)}
    where partnership_id = ${partnershipId} and lattice = ${lattice}
      and month between ${months.from}::date and ${months.to}::date
      ${filterSql(filters)}
      ${cells ? sql`and cell = any(${[...cells]}::text[])` : sql``}
    group by cell order by cell`.execute(db.kysely);
  return result.rows.map((r) => ({ cell: r.cell, n: Number(r.n), keySum: r.key_sum }));
}

/**
 * True counts and key sums per cell and month of one lattice (month as `YYYY-MM-01`): the
 * monthly series of the published cells, for analyses over time. Server side only.
 */
export async function trueCellMonths(
  db: Db,
  partnershipId: string,
  lattice: string,
  months: MonthRange,
  filters: PublishedFilters,
): Promise<(TrueCell & { month: string })[]> {
  await ensurePublished(db, partnershipId);
  const result = await sql<{ cell: string; month: string; n: string; key_sum: string }>`
    select cell, month::text as month, sum(n)::text as n, sum(key_sum)::text as key_sum
    from ${tableFor(filters)}
    where partnership_id = ${partnershipId} and lattice = ${lattice}
      and month between ${months.from}::date and ${months.to}::date
      ${filterSql(filters)}
    group by cell, month order by cell, month`.execute(db.kysely);
  return result.rows.map((r) => ({
    cell: r.cell,
    month: r.month,
    n: Number(r.n),
    keySum: r.key_sum,
  }));
}

/**
 * True counts and key sums of a union of cells broken down by month, category or place type
 * (entries without records absent).
 */
export async function trueBreakdown(
  db: Db,
  partnershipId: string,
  lattice: string,
  months: MonthRange,
  filters: PublishedFilters,
  cells: readonly string[],
  by: 'month' | 'category' | 'place_type',
): Promise<{ value: string; n: number; keySum: string }[]> {
  await ensurePublished(db, partnershipId);
  const column = by === 'month' ? sql`to_char(month, 'YYYY-MM')` : sql.ref(by);
  const result = await sql<{ value: string; n: string; key_sum: string }>`
    select ${column} as value, sum(n)::text as n, sum(key_sum)::text as key_sum
    from published_cell
    where partnership_id = ${partnershipId} and lattice = ${lattice}
      and month between ${months.from}::date and ${months.to}::date
      and cell = any(${[...cells]}::text[])
      ${filterSql(filters)}
    group by 1 order by 1`.execute(db.kysely);
  return result.rows.map((r) => ({ value: r.value, n: Number(r.n), keySum: r.key_sum }));
}

/** Sums true counts and key sums exactly (key sums as decimal text, added as scaled integers). */
export function unionOf(cells: readonly { n: number; keySum: string }[]): {
  n: number;
  keySum: string;
} {
  let n = 0;
  let scaled = 0n;
  let scale = 0;
  const parts = cells.map((c) => {
    const [whole, frac = ''] = c.keySum.split('.');
    scale = Math.max(scale, frac.length);
    return { whole: whole ?? '0', frac };
  });
  for (const [index, p] of parts.entries()) {
    n += cells[index]!.n;
    scaled += BigInt(p.whole + p.frac.padEnd(scale, '0'));
  }
  const digits = scaled.toString().padStart(scale + 1, '0');
  return {
    n,
    keySum: scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`,
  };
}

/** The partnership's published lattices and perturbation table. */
export async function publicationSettings(
  db: Db,
  partnershipId: string,
): Promise<{ hexSizes: number[]; table: PerturbationTable }> {
  const row = await db.kysely
    .selectFrom('partnership')
    .select(['published_hex_sizes', 'perturbation'])
    .where('id', '=', partnershipId)
    .executeTakeFirstOrThrow();
  return {
    hexSizes: [...row.published_hex_sizes].map(Number).sort((a, b) => a - b),
    table: parsePerturbationTable(row.perturbation),
  };
}

// Per process, keyed by database, partnership and data version (a commit, withdrawal or erasure
// moves it).
const versionCache = new BoundedCache<string, Promise<string>>(16);

/**
 * The data version a non-analyst sees: a hash of the published value of every cell of every
 * lattice in every month (those of at least k), so it moves only when something they could be
 * shown moves, never for a C record or a record in a cell below k.
 */
export function publishedDataVersion(
  db: Db,
  partnershipId: string,
  dataVersion: string,
): Promise<string> {
  const key = `${databaseInstance(db)}:${partnershipId}:${dataVersion}`;
  const cached = versionCache.get(key);
  if (cached) return cached;
  const computing = (async () => {
    await ensurePublished(db, partnershipId);
    const { table } = await publicationSettings(db, partnershipId);
    const k = await db.kysely
      .selectFrom('partnership')
      .select('suppression_k')
      .where('id', '=', partnershipId)
      .executeTakeFirstOrThrow();
    const rows = await sql<{
      lattice: string;
      cell: string;
      month: string;
      n: string;
      key_sum: string;
    }>`
      select lattice, cell, month::text as month, sum(n)::text as n, sum(key_sum)::text as key_sum
      from published_cell_total where partnership_id = ${partnershipId}
      group by lattice, cell, month order by lattice, cell, month`.execute(db.kysely);
    const hash = createHash('sha256');
    for (const r of rows.rows) {
      const value = publishedValue(Number(r.n), r.key_sum, table, effectiveK(k.suppression_k));
      if (value !== null) hash.update(`${r.lattice}|${r.cell}|${r.month}|${value}\n`);
    }
    return hash.digest('base64url').slice(0, 16);
  })();
  versionCache.set(key, computing);
  computing.catch(() => versionCache.delete(key));
  return computing;
}
