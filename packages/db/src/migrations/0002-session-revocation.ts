import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// sessions_valid_from: sessions created before this instant are refused. Set when an admin
// disables a user or changes their role, agency or second factor, and when a user changes
// their password, so every API process stops honouring old sessions at once, even a request
// that read the session row just before it was deleted. Null means "never revoked" (a
// default of now() would follow the database clock, not the application's injected one).
//
// totp_last_counter: the 30-second step of the last accepted TOTP code, so a code seen once
// (shoulder-surfed, phished, replayed) cannot be used again (RFC 6238 section 5.2).
//
// On PostgreSQL the application should connect as a role that may only append to the audit
// trail; the triggers of 0001 refuse changes for every role, and the grant makes the intent
// visible to a DBA. Run once as the owner (infra/README.md):
//   REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM hotspot_app;
//   GRANT SELECT, INSERT ON audit_event TO hotspot_app;
// It is not done here because the app role's name belongs to the deployment, and PGlite has
// only one role.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table app_user add column sessions_valid_from timestamptz`.execute(db);
  await sql`alter table app_user add column totp_last_counter bigint`.execute(db);
  await sql`create index login_throttle_locked_idx on login_throttle (locked_until)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
