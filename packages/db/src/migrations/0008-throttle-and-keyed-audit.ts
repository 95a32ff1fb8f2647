import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Sign-in throttling (issue 16) counts attempts, not failures, before the password or code is
// checked, so the columns say so: `attempts` in the window that began at `window_started_at`.
// `locked_until` stays: when the key refuses attempts, for an operator's eye. The rows are
// transient (a backup skips them), so the old counts are dropped rather than reinterpreted.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from login_throttle`.execute(db);
  await sql`alter table login_throttle rename column failures to attempts`.execute(db);
  await sql`alter table login_throttle rename column first_failure_at to window_started_at`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
