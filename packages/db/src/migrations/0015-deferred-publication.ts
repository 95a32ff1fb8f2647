import { type Kysely, sql } from 'kysely';
import { addFrom, subtractFrom } from './0014-published-upkeep.ts';

// Frozen once merged.
//
// A committed batch is published after its commit instead of inside it (issue 15: keeping the
// published table current may add at most 20 % to a 100,000-row commit; counting a batch into
// it costs more than storing the batch: 7.3 s against 5.3 s for 100,000 rows on a 2-core machine,
// `npm run bench -- --only batches`).
//
// - published_pending: the committed batches whose records the published table does not count
//   yet. The commit inserts its batch's row in the same transaction as the records, so the two
//   appear together; published_apply_pending(pid) counts the records of every pending batch of a
//   partnership and deletes their rows, in one transaction. The API runs it right after a commit
//   and before anything reads the published table (apps/api/src/features/disclosure/
//   published.ts), so no reader ever sees a table that lacks a committed batch.
// - Everything that changes the published table takes one transaction-scoped advisory lock per
//   partnership first: the statement triggers on intelligence_record, the rebuild and
//   published_apply_pending. Each of them then counts (or uncounts) only records whose batch is
//   not pending, in statements that start after the lock is held, so they see what the last
//   holder committed. A record deleted or changed while its batch is pending is therefore
//   either seen by the publication (not yet committed when it counts: the trigger then finds
//   the batch published and subtracts) or gone before it (the publication never counts it).

const PENDING_LOCK = (pid: string) =>
  `pg_advisory_xact_lock(hashtextextended('published:' || ${pid}::text, 0))`;

/** Records (alias r) whose batch the published table already counts. */
const NOT_PENDING = 'not exists (select 1 from published_pending q where q.batch_id = r.batch_id)';

/** Takes the lock of every partnership in `sources` (transition tables), in one order. */
function lockPartnerships(...sources: string[]) {
  const union = sources.map((s) => `select partnership_id from ${s}`).join(' union ');
  return `
    for pid in select distinct partnership_id from (${union}) p order by 1 loop
      perform ${PENDING_LOCK('pid')};
    end loop;`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table published_pending (
      batch_id uuid primary key references batch(id) on delete cascade,
      partnership_id uuid not null references partnership(id) on delete cascade,
      queued_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index published_pending_partnership_idx on published_pending (partnership_id)`.execute(
    db,
  );

  await sql
    .raw(`
    create or replace function published_apply_pending(pid uuid) returns integer
      language plpgsql set jit = off as $$
    declare
      batches uuid[];
    begin
      perform ${PENDING_LOCK('pid')};
      with taken as (delete from published_pending where partnership_id = pid returning batch_id)
      select array_agg(batch_id) into batches from taken;
      if batches is null then return 0; end if;
      ${addFrom('intelligence_record', 'r.partnership_id = pid and r.batch_id = any(batches)')}
      return cardinality(batches);
    end $$`)
    .execute(db);

  await sql
    .raw(`
    create or replace function published_cell_rebuild(pid uuid) returns void language plpgsql
      set jit = off as $$
    begin
      perform ${PENDING_LOCK('pid')};
      delete from published_cell where partnership_id = pid;
      delete from published_cell_total where partnership_id = pid;
      ${addFrom('intelligence_record', `r.partnership_id = pid and ${NOT_PENDING}`)}
    end $$`)
    .execute(db);

  const triggers = {
    inserted: `
      -- A commit's records all belong to its pending batch: nothing to count, no lock to wait for.
      if not exists (select 1 from new_records r where ${NOT_PENDING}) then return null; end if;
      ${lockPartnerships('new_records')}
      ${addFrom('new_records', NOT_PENDING)}`,
    deleted: `
      ${lockPartnerships('old_records')}
      ${subtractFrom('old_records', NOT_PENDING)}`,
    updated: `
      ${lockPartnerships('old_records', 'new_records')}
      ${subtractFrom('old_records', NOT_PENDING)}
      ${addFrom('new_records', NOT_PENDING)}`,
  };
  for (const [event, body] of Object.entries(triggers)) {
    await sql
      .raw(`
      create or replace function published_cell_${event}() returns trigger language plpgsql
        set jit = off as $$
      declare
        pid uuid;
      begin
        ${body}
        return null;
      end $$`)
      .execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
