import type { Database } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { publishSoon } from '../disclosure/index.ts';
import { bumpDataVersion } from '../partnership/index.ts';
import { recordBatchGrain } from './batch-grain.ts';
import { type BatchStatus, notFound } from './batches.queries.ts';
import { alreadyCommitted } from './upload.ts';

// The writes of batches and their records, each in one transaction: commit and withdrawal of a
// batch, retention decisions and erasure of committed records.

export const recordNotFound = () =>
  new ProblemError(PROBLEM.notFound, 'No such record in your partnership.');

/** Keeps one record until a later review date, with the reason (422 for a date not later). */
export async function retainRecord(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  { reason, reviewOn, today }: { reason: string; reviewOn: string; today: string },
): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const record = await trx
      .selectFrom('intelligence_record')
      .select('review_on')
      .where('id', '=', id)
      .where('partnership_id', '=', user.partnershipId)
      .forUpdate()
      .executeTakeFirst();
    if (!record) throw recordNotFound();
    if (reviewOn <= today || reviewOn <= record.review_on) {
      throw new ProblemError(PROBLEM.validation, 'The new review date is not valid.', {
        errors: [
          {
            pointer: '/body/reviewOn',
            detail: `Choose a date after today and after the current review date (${record.review_on}).`,
          },
        ],
      });
    }
    await trx
      .insertInto('record_retention')
      .values({
        id: deps.newId(),
        partnership_id: user.partnershipId,
        record_id: id,
        decided_by: user.id,
        decided_at: deps.clock(),
        reason,
        previous_review_on: record.review_on,
        new_review_on: reviewOn,
      })
      .execute();
    await trx
      .updateTable('intelligence_record')
      .set({ review_on: reviewOn })
      .where('id', '=', id)
      .execute();
  });
}

/** A decision for all due records of a batch: keep them until a date, or erase them. */
export type BatchReviewDecision =
  | { readonly decision: 'retain'; readonly reason: string; readonly reviewOn: string }
  | { readonly decision: 'erase'; readonly reason: string };

/**
 * Applies one decision to every record of the batch due on or before `before`, all or none;
 * returns how many records it applied to (409 when none is due).
 */
export function decideDueRecordsOfBatch(
  deps: AppDeps,
  user: SessionUser,
  batchId: string,
  body: BatchReviewDecision,
  { today, before }: { today: string; before: string },
): Promise<number> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const batch = await trx
      .selectFrom('batch')
      .select('id')
      .where('id', '=', batchId)
      .where('partnership_id', '=', user.partnershipId)
      .executeTakeFirst();
    if (!batch) throw new ProblemError(PROBLEM.notFound, 'No such batch in your partnership.');
    // Locked, so a single decision taken meanwhile cannot be overwritten or half-applied.
    const due = await trx
      .selectFrom('intelligence_record')
      .select(['id', 'review_on'])
      .where('batch_id', '=', batchId)
      .where('partnership_id', '=', user.partnershipId)
      .where('review_on', '<=', before)
      .forUpdate()
      .execute();
    if (due.length === 0) {
      throw new ProblemError(
        PROBLEM.conflict,
        'No record of this batch is due for review by that date.',
        { reason: 'nothing-due' },
      );
    }
    // The same predicate picks the rows below: they are locked, so it picks the same ones
    // (and no list of ids, which could outgrow a statement's parameters, is sent back).
    const dueOfBatch = (table: 'intelligence_record' | 'r') =>
      sql`${sql.ref(`${table}.batch_id`)} = ${batchId}
        and ${sql.ref(`${table}.partnership_id`)} = ${user.partnershipId}
        and ${sql.ref(`${table}.review_on`)} <= ${before}::date`;
    if (body.decision === 'erase') {
      await sql`delete from intelligence_record where ${dueOfBatch('intelligence_record')}`.execute(
        trx,
      );
      await bumpDataVersion(trx, user.partnershipId);
      return due.length;
    }
    const latest =
      due
        .map((r) => r.review_on)
        .sort()
        .at(-1) ?? before;
    if (body.reviewOn <= today || body.reviewOn <= latest) {
      throw new ProblemError(PROBLEM.validation, 'The new review date is not valid.', {
        errors: [
          {
            pointer: '/body/reviewOn',
            detail: `Choose a date after today and after the latest current review date of these records (${latest}).`,
          },
        ],
      });
    }
    // One retention decision per record, as a single "Keep" writes; ids from the database,
    // since a batch may hold many thousands of records.
    await sql`
      insert into record_retention (id, partnership_id, record_id, decided_by, decided_at,
        reason, previous_review_on, new_review_on)
      select gen_random_uuid(), r.partnership_id, r.id, ${user.id}::uuid,
        ${deps.clock()}, ${body.reason}, r.review_on, ${body.reviewOn}::date
      from intelligence_record r
      where ${dueOfBatch('r')}`.execute(trx);
    await sql`update intelligence_record set review_on = ${body.reviewOn}::date
      where ${dueOfBatch('intelligence_record')}`.execute(trx);
    return due.length;
  });
}

/** Erases one record for real, moving the data version on. */
export async function eraseRecord(deps: AppDeps, user: SessionUser, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('intelligence_record')
      .where('id', '=', id)
      .where('partnership_id', '=', user.partnershipId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw recordNotFound();
    await bumpDataVersion(trx, user.partnershipId);
  });
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
 * The batch is published (counted into the table non-analysts' figures come from) right after,
 * not inside the transaction: counting 100,000 records costs more than storing them, and every
 * reader of that table waits for it (migration 0015, disclosure/published.ts).
 */
export async function commitBatch(
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger'>,
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
      // Pending with its records, in the same transaction: a reader sees both or neither.
      await trx
        .insertInto('published_pending')
        .values({ batch_id: id, partnership_id: partnershipId })
        .execute();
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
  void publishSoon(deps, partnershipId);
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
  // The published table grows after the commit, when the batch is published, and is analysed
  // then (disclosure/published.ts).
  await sql`analyze intelligence_record`.execute(db).catch(() => undefined);
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
