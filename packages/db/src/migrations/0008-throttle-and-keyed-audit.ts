import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Sign-in throttling (issue 16) counts attempts, not failures, before the password or code is
// checked, so the columns say so: `attempts` in the window that began at `window_started_at`.
// `locked_until` stays: when the key refuses attempts, for an operator's eye. The rows are
// transient (a backup skips them), so the old counts are dropped rather than reinterpreted.
//
// The audit chain becomes keyed (HMAC-SHA256 with a key kept outside the database): each event
// names the key that signed it (`key_id`), so keys can be rotated while old events still verify.
// Events already written keep their plain sha256 links and are verified as legacy up to the
// marker recorded here (`audit_chain.legacy_until`, the last event before the key); they cannot
// be re-chained without rewriting an append-only table, and the first keyed event's HMAC covers
// the last legacy hash, so rewriting them still breaks the chain. The marker row refuses changes
// like the events do.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from login_throttle`.execute(db);
  await sql`alter table login_throttle rename column failures to attempts`.execute(db);
  await sql`alter table login_throttle rename column first_failure_at to window_started_at`.execute(
    db,
  );

  await sql`alter table audit_event add column key_id text`.execute(db);
  await sql`
    create table audit_chain (
      id integer primary key check (id = 1),
      legacy_until bigint not null check (legacy_until >= 0)
    )`.execute(db);
  await sql`insert into audit_chain (id, legacy_until) select 1, coalesce(max(id), 0) from audit_event`.execute(
    db,
  );
  await sql`
    create trigger audit_chain_no_update before update or delete on audit_chain
    for each row execute function audit_event_refuse_change()`.execute(db);
  await sql`
    create trigger audit_chain_no_truncate before truncate on audit_chain
    for each statement execute function audit_event_refuse_change()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
