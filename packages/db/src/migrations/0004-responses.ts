import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Partnership responses (issue 8):
// - suggested_action: per-partnership suggestions of actions by place type, edited by admins and
//   offered when a chair assigns actions to a hotspot. Keyed by place-type code without a foreign
//   key, so retiring a place type does not delete the partnership's suggestions for it.
// - notification: the in-app list per user. dedupe_key is unique per user, so the notification
//   sweep running in several API processes (or twice) inserts each notice once.
// - email_outbox: emails waiting to go out through SMTP. dedupe_key is globally unique (it names
//   the event and the recipient); a sender claims rows with `for update skip locked` and a lease
//   (claimed_until), so two processes never send the same message.
// Existing partnerships get the default suggestions once, here; new ones get them when created.
const DEFAULT_SUGGESTIONS: readonly (readonly [string, string, string, string, string])[] = [
  [
    'licensed-premises',
    'pursue-disrupt',
    'Licensing visit',
    'Joint licensing and police visit to the premises to check licence conditions and safeguarding practice.',
    'regulatory',
  ],
  [
    'licensed-premises',
    'recognition-identification',
    'Staff awareness session',
    'CSE awareness for managers and staff: signs to look for and how to report a concern.',
    'regulatory',
  ],
  [
    'taxi-private-hire',
    'pursue-disrupt',
    'Licensing checks',
    'Targeted compliance checks on licensed drivers and vehicles operating in the area.',
    'regulatory',
  ],
  [
    'taxi-private-hire',
    'recognition-identification',
    'Driver safeguarding training',
    'Check that drivers and operators have completed safeguarding training; offer refresher sessions.',
    'regulatory',
  ],
  [
    'hotel-bnb',
    'prevention-education',
    'Housing and accommodation guidance',
    'Safeguarding guidance for the accommodation provider on bookings, visitors and reporting.',
    'housing',
  ],
  [
    'hotel-bnb',
    'recognition-identification',
    'Hotel-watch awareness',
    'Hotel-watch style awareness for reception and housekeeping staff, with a reporting route.',
    'police',
  ],
  [
    'hostel-hmo',
    'prevention-education',
    'Housing guidance for landlords',
    'Visit and guidance for the landlord or manager on safeguarding duties and licence conditions.',
    'housing',
  ],
  [
    'hostel-hmo',
    'recognition-identification',
    'Resident and staff awareness',
    'Hotel-watch style awareness for staff and residents, with a reporting route.',
    'housing',
  ],
  [
    'park-open-space',
    'pursue-disrupt',
    'Targeted patrols',
    'Visible patrols at the times concerns were reported.',
    'police',
  ],
  [
    'park-open-space',
    'intervention-support',
    'Youth outreach',
    'Detached youth work and outreach with young people using the space.',
    'voluntary',
  ],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table suggested_action (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      place_type text not null check (length(place_type) between 1 and 64),
      priority text not null check (priority in ('prevention-education','recognition-identification','intervention-support','pursue-disrupt')),
      title text not null check (length(title) between 1 and 200),
      detail text check (length(detail) <= 2000),
      agency_kind text,
      position integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (partnership_id, id)
    )`.execute(db);
  await sql`create index suggested_action_place_idx on suggested_action (partnership_id, place_type, position)`.execute(
    db,
  );

  await sql`
    create table notification (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      user_id uuid not null,
      kind text not null check (kind in ('action-assigned','action-due-soon','action-overdue','action-declined','action-completed')),
      action_id uuid,
      message text not null check (length(message) <= 500),
      dedupe_key text not null,
      created_at timestamptz not null,
      read_at timestamptz,
      unique (user_id, dedupe_key),
      foreign key (partnership_id, user_id) references app_user(partnership_id, id) on delete cascade,
      foreign key (partnership_id, action_id) references action(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create index notification_user_idx on notification (user_id, created_at desc)`.execute(
    db,
  );

  await sql`
    create table email_outbox (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      dedupe_key text not null unique,
      recipient text not null,
      subject text not null,
      body text not null,
      created_at timestamptz not null,
      claimed_until timestamptz,
      attempts integer not null default 0,
      sent_at timestamptz,
      last_error text
    )`.execute(db);
  await sql`create index email_outbox_pending_idx on email_outbox (created_at) where sent_at is null`.execute(
    db,
  );

  await sql`create index hotspot_status_change_hotspot_idx on hotspot_status_change (hotspot_id, changed_at)`.execute(
    db,
  );
  await sql`create index action_update_action_idx on action_update (action_id, created_at)`.execute(
    db,
  );
  await sql`create index action_hotspot_idx on action (hotspot_id)`.execute(db);

  for (const [
    index,
    [placeType, priority, title, detail, agencyKind],
  ] of DEFAULT_SUGGESTIONS.entries()) {
    await sql`
      insert into suggested_action (id, partnership_id, place_type, priority, title, detail, agency_kind, position, created_at, updated_at)
      select gen_random_uuid(), p.id, ${placeType}, ${priority}, ${title}, ${detail}, ${agencyKind}, ${index}, now(), now()
      from partnership p`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
