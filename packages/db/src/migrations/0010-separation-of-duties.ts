import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Separation of duties (issue 16): an administrator never chooses or sees a user's password.
//
// app_user.password_hash becomes nullable: a user an administrator has just created, or whose
// password an administrator reset, has no password until they redeem their enrolment link.
//
// enrolment_token: the one-time codes behind enrolment links. Only a sha256 of the code is
// stored (256 random bits, so an unsalted hash is safe), so a database read yields no usable
// link; used_at makes a code single-use, expires_at bounds how long it lives. created_by is the
// administrator who issued it (null: the command-line tool).
//
// role_grant: granting the analyst role (the only role that reads record-level data) waits for
// a second person's approval. At most one request per user is pending; the check constraint
// keeps the requester from deciding their own request even if application code is wrong.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table app_user alter column password_hash drop not null`.execute(db);

  await sql`
    create table enrolment_token (
      token_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      check (expires_at > created_at)
    )`.execute(db);
  await sql`create index enrolment_token_user_idx on enrolment_token (user_id)`.execute(db);

  await sql`
    create table role_grant (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      role text not null check (role = 'analyst'),
      reason text not null check (reason in ('create', 'role-change', 're-enable', 'credential-reset')),
      enable boolean not null,
      requested_by uuid references app_user(id) on delete set null,
      requested_at timestamptz not null,
      outcome text not null default 'pending' check (outcome in ('pending', 'approved', 'refused')),
      decided_by uuid references app_user(id) on delete set null,
      decided_at timestamptz,
      check ((outcome = 'pending') = (decided_at is null)),
      check (outcome <> 'approved' or requested_by is null or decided_by <> requested_by)
    )`.execute(db);
  await sql`create unique index role_grant_pending_idx on role_grant (user_id) where outcome = 'pending'`.execute(
    db,
  );
  await sql`create index role_grant_partnership_idx on role_grant (partnership_id, outcome)`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
