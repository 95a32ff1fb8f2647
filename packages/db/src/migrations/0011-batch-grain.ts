import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// The grain of each batch, so analyses do not ask more of the data than it holds:
// - date_precision: 'month' when the source dates reports only to the month (police.uk street
//   files), else 'day'. Weekly time slices over month-dated reports would pile them all into
//   each month's first week.
// - locations_snapped: whether most of the batch's records sit on coordinates shared with other
//   records (police.uk moves every crime to one of a limited set of map points); null until the
//   batch is committed and assessed. A "repeat location" in snapped data is a snap point, not a
//   premises.
// Existing batches are assessed here by the same rule commit applies (batch-grain.ts in the API).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table batch
      add column date_precision text not null default 'day'
        check (date_precision in ('day', 'month')),
      add column locations_snapped boolean`.execute(db);
  await sql`update batch set date_precision = 'month' where profile = 'police-uk'`.execute(db);
  await sql`
    update batch b set locations_snapped = g.snapped
    from (
      select batch_id, sum(n) >= 20 and coalesce(sum(n) filter (where n >= 2), 0) >= 0.5 * sum(n) as snapped
      from (
        select batch_id, count(*) as n from intelligence_record
        group by batch_id, easting, northing
      ) per_point
      group by batch_id
    ) g
    where g.batch_id = b.id and b.status in ('committed', 'withdrawn')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
