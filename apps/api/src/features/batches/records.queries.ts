import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';

/**
 * Records of the partnership due for review on or before `before`, oldest first (at most
 * `limit`), and every batch with due records, however many: the page offers one decision per
 * batch.
 */
export async function reviewDue(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  before: string,
  limit: number,
) {
  const rows = await deps.db.kysely
    .selectFrom('intelligence_record as r')
    .innerJoin('agency as a', 'a.id', 'r.source_agency_id')
    .select([
      'r.id',
      'r.batch_id',
      'r.reported_on',
      'r.review_on',
      'r.category',
      'r.place_type',
      'r.precision',
      'a.code as agency',
      'r.summary',
      sql<string>`(select count(*) from record_retention x where x.record_id = r.id)`.as(
        'retained',
      ),
    ])
    .where('r.partnership_id', '=', partnershipId)
    .where('r.review_on', '<=', before)
    .orderBy('r.review_on')
    .orderBy('r.id')
    .limit(limit)
    .execute();
  // Every batch with due records, however many: the page offers one decision per batch.
  const batches = await deps.db.kysely
    .selectFrom('intelligence_record as r')
    .innerJoin('batch as b', 'b.id', 'r.batch_id')
    .select([
      'b.id',
      'b.file_name',
      'b.uploaded_at',
      sql<string>`count(*)`.as('due'),
      sql<string>`min(r.review_on)::text`.as('first'),
      sql<string>`max(r.review_on)::text`.as('last'),
    ])
    .where('r.partnership_id', '=', partnershipId)
    .where('r.review_on', '<=', before)
    .groupBy(['b.id', 'b.file_name', 'b.uploaded_at'])
    .orderBy(sql`min(r.review_on)`)
    .orderBy('b.id')
    .execute();
  return {
    before,
    batches: batches.map((b) => ({
      id: b.id,
      fileName: b.file_name,
      uploadedAt: new Date(b.uploaded_at).toISOString(),
      due: Number(b.due),
      firstReviewOn: b.first,
      lastReviewOn: b.last,
    })),
    records: rows.map((r) => ({
      id: String(r.id),
      batchId: r.batch_id,
      reportedOn: r.reported_on,
      reviewOn: r.review_on,
      category: r.category,
      placeType: r.place_type,
      precision: r.precision,
      sourceAgency: r.agency,
      summary: r.summary,
      retainedTimes: Number(r.retained),
    })),
  };
}
