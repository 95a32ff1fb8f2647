import { sql } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { bumpDataVersion } from '../partnership/index.ts';

// Retention decisions and erasure of committed records, each in one transaction.

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
