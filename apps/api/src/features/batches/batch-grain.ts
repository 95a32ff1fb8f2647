import type { Database } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';

/** Fewest records a batch needs before its locations are judged snapped or not. */
export const SNAP_MIN_RECORDS = 20;
/** Share of a batch's records on coordinates shared with another record that means "snapped". */
export const SNAP_SHARE = 0.5;

/**
 * Records a committed batch's grain (migration 0011): police.uk files are dated to the month;
 * and the locations are snapped when at least half of 20 or more records sit on exactly the
 * same easting and northing as another record of the batch (police.uk moves every crime to one
 * of a limited set of map points, so most share one; genuine premises-level intelligence rarely
 * does). Runs inside the commit's transaction, after the records are inserted.
 */
export async function recordBatchGrain(trx: Kysely<Database>, batchId: string): Promise<void> {
  await sql`
    update batch b set
      date_precision = case when b.profile = 'police-uk' then 'month' else b.date_precision end,
      locations_snapped = coalesce((
        select sum(n) >= ${SNAP_MIN_RECORDS}
          and coalesce(sum(n) filter (where n >= 2), 0) >= ${SNAP_SHARE} * sum(n)
        from (
          select count(*) as n from intelligence_record
          where batch_id = ${batchId} group by easting, northing
        ) per_point
      ), false)
    where b.id = ${batchId}`.execute(trx);
}
