import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// batch_error: every row-level problem of a batch (and every row skipped on purpose, e.g.
// police.uk rows published without a location), in file order, so errors.csv is complete and the
// report can count problems by code however many there are. batch.errors keeps the first 1,000
// for the upload response. Messages never quote cell contents (packages/ingest guarantees it), so
// nothing here is record text.
//
// batch_row easting/northing become nullable: staging rows carry only the WGS84 point, and commit
// derives British National Grid coordinates with PostGIS ST_Transform, the one place that
// projects stored records (as the demo seed does).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table batch_error (
      batch_id uuid not null references batch(id) on delete cascade,
      seq integer not null check (seq >= 1),
      row_no integer not null check (row_no >= 1),
      column_name text,
      code text not null,
      message text not null,
      skipped boolean not null default false,
      primary key (batch_id, seq)
    )`.execute(db);
  await sql`alter table batch_row alter column easting drop not null, alter column northing drop not null`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
