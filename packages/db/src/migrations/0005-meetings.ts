import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Tasking meetings (issue 9):
// - meeting.online: a meeting is held at a place or online (or both: a hybrid meeting has a place
//   and online = true). agenda_generated_at records that the agenda was generated once, so an
//   agenda the chair has emptied on purpose is not generated again behind their back.
// - saved_view: a map view (viewport, layers, filters) as versioned JSON ({ v: 1, ... }), so a
//   future shape can be read by migrating old versions in code rather than rewriting rows.
//   Shared by link and attachable to agenda items; it holds parameters, never intelligence.
// - agenda_item.view_id: the view the item is shown with in meeting mode. Deleting a view leaves
//   the item without one (set null on view_id only: partnership_id is part of the key and stays).
// - agenda_decision: what the meeting decided on an item, who recorded it and when. Several per
//   item (a decision can be amended by a later one); agenda_item.decision stays unused.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table meeting add column online boolean not null default false`.execute(db);
  await sql`alter table meeting add column agenda_generated_at timestamptz`.execute(db);

  await sql`
    create table saved_view (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      config_version integer not null check (config_version >= 1),
      config jsonb not null,
      created_by uuid not null,
      created_at timestamptz not null,
      unique (partnership_id, id)
    )`.execute(db);
  await sql`create index saved_view_partnership_idx on saved_view (partnership_id, created_at)`.execute(
    db,
  );

  await sql`alter table agenda_item add column view_id uuid`.execute(db);
  await sql`
    alter table agenda_item add constraint agenda_item_view_fk
      foreign key (partnership_id, view_id) references saved_view(partnership_id, id)
      on delete set null (view_id)`.execute(db);
  await sql`create index agenda_item_meeting_idx on agenda_item (meeting_id, position)`.execute(db);

  await sql`
    create table agenda_decision (
      id uuid primary key,
      partnership_id uuid not null,
      meeting_id uuid not null,
      agenda_item_id uuid not null references agenda_item(id) on delete cascade,
      text text not null check (length(text) between 1 and 4000),
      decided_by uuid not null,
      decided_at timestamptz not null,
      foreign key (partnership_id, meeting_id) references meeting(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create index agenda_decision_item_idx on agenda_decision (agenda_item_id, decided_at)`.execute(
    db,
  );
}
