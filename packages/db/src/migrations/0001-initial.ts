import { type Kysely, sql } from 'kysely';

// Frozen once merged: later changes go in new numbered migrations.
// Every domain row carries partnership_id, and foreign keys between domain rows include it,
// so a row can never point at another partnership's agency, hotspot or batch.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists postgis`.execute(db);

  await sql`
    create table partnership (
      id uuid primary key,
      slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      name text not null check (length(name) between 1 and 200),
      area geometry(MultiPolygon, 4326),
      suppression_k integer not null default 3 check (suppression_k >= 2),
      retention_months integer not null default 12 check (retention_months between 1 and 120),
      mfa_required boolean not null default true,
      synthetic boolean not null default false,
      analysis_defaults jsonb not null default '{}'::jsonb,
      data_version bigint not null default 1,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table boundary (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      kind text not null check (kind in ('district', 'ward')),
      code text not null check (length(code) between 1 and 40),
      name text not null check (length(name) between 1 and 200),
      geom geometry(MultiPolygon, 4326) not null,
      source text not null,
      loaded_at timestamptz not null default now(),
      unique (partnership_id, kind, code)
    )`.execute(db);
  await sql`create index boundary_geom_idx on boundary using gist (geom)`.execute(db);

  await sql`
    create table agency (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      code text not null check (code ~ '^[A-Z0-9][A-Z0-9-]{0,15}$'),
      name text not null check (length(name) between 1 and 200),
      kind text not null check (kind in ('police','council','regulatory','housing','health','education','children','voluntary','other')),
      email text,
      unique (partnership_id, code),
      unique (partnership_id, id)
    )`.execute(db);

  for (const table of ['category', 'place_type'] as const) {
    await sql`
      create table ${sql.table(table)} (
        partnership_id uuid not null references partnership(id) on delete cascade,
        code text not null check (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        label text not null check (length(label) between 1 and 200),
        description text,
        retired boolean not null default false,
        primary key (partnership_id, code)
      )`.execute(db);
  }
  await sql`
    create table police_uk_mapping (
      partnership_id uuid not null references partnership(id) on delete cascade,
      crime_type text not null,
      category_code text not null,
      primary key (partnership_id, crime_type),
      foreign key (partnership_id, category_code) references category(partnership_id, code)
    )`.execute(db);

  await sql`
    create table app_user (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      email text not null check (email = lower(email) and email like '%_@_%'),
      display_name text not null check (length(display_name) between 1 and 200),
      role text not null check (role in ('admin','analyst','chair','partner','viewer')),
      agency_id uuid not null,
      password_hash text not null,
      mfa_secret text,
      mfa_enrolled_at timestamptz,
      disabled boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (email),
      unique (partnership_id, id),
      foreign key (partnership_id, agency_id) references agency(partnership_id, id)
    )`.execute(db);

  await sql`
    create table recovery_code (
      user_id uuid not null references app_user(id) on delete cascade,
      code_hash text not null,
      used_at timestamptz,
      primary key (user_id, code_hash)
    )`.execute(db);

  // The cookie carries a random token; only its sha256 is stored, so a database read does
  // not yield live sessions.
  await sql`
    create table session (
      id_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      partnership_id uuid not null references partnership(id) on delete cascade,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      mfa_passed boolean not null default false,
      csrf_token text not null,
      address text,
      user_agent text
    )`.execute(db);
  await sql`create index session_user_idx on session (user_id)`.execute(db);

  await sql`
    create table login_throttle (
      key text primary key,
      failures integer not null default 0,
      first_failure_at timestamptz not null,
      locked_until timestamptz
    )`.execute(db);

  await sql`
    create table batch (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      uploaded_by uuid not null,
      uploaded_at timestamptz not null,
      file_name text not null check (length(file_name) between 1 and 255),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      profile text not null check (profile in ('native-csv','geojson','police-uk','single')),
      size_bytes bigint not null check (size_bytes >= 0),
      rows_total integer not null check (rows_total >= 0),
      rows_valid integer not null check (rows_valid >= 0),
      rows_invalid integer not null check (rows_invalid >= 0),
      rows_skipped integer not null check (rows_skipped >= 0),
      status text not null check (status in ('validated','committed','rejected','withdrawn')),
      errors jsonb not null default '[]'::jsonb,
      committed_at timestamptz,
      committed_by uuid,
      withdrawn_at timestamptz,
      withdrawn_by uuid,
      withdraw_reason text,
      unique (partnership_id, id),
      foreign key (partnership_id, uploaded_by) references app_user(partnership_id, id),
      check ((status = 'committed') = (committed_at is not null) or status = 'withdrawn'),
      check ((status = 'withdrawn') = (withdrawn_at is not null and withdraw_reason is not null))
    )`.execute(db);
  // The same file can be committed once per partnership.
  await sql`create unique index batch_committed_sha_idx on batch (partnership_id, sha256) where status = 'committed'`.execute(
    db,
  );

  const recordColumns = sql`
      reported_on date not null check (reported_on >= date '2000-01-01'),
      occurred_from timestamptz,
      occurred_to timestamptz,
      location geometry(Point, 4326) not null,
      easting double precision not null,
      northing double precision not null,
      precision text not null check (precision in ('exact','street','area')),
      place_type text not null,
      category text not null,
      source_agency_id uuid not null,
      source_grade text not null check (source_grade in ('1','2','3')),
      intelligence_grade text not null check (intelligence_grade in ('A','B','C','D','E')),
      handling_code text not null check (handling_code in ('P','C')),
      summary text check (length(summary) <= 500),
      external_ref text check (length(external_ref) <= 100),
      fingerprint text not null,
      check (occurred_from is null or occurred_to is null or occurred_from <= occurred_to)`;

  // Valid rows of a validated batch wait here until commit moves them in one statement.
  await sql`
    create table batch_row (
      batch_id uuid not null references batch(id) on delete cascade,
      row_no integer not null,
      ${recordColumns},
      primary key (batch_id, row_no)
    )`.execute(db);

  await sql`
    create table intelligence_record (
      id bigint generated always as identity primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      batch_id uuid not null,
      row_no integer not null,
      ${recordColumns},
      review_on date not null,
      synthetic boolean not null default false,
      created_at timestamptz not null default now(),
      foreign key (partnership_id, batch_id) references batch(partnership_id, id),
      foreign key (partnership_id, source_agency_id) references agency(partnership_id, id),
      foreign key (partnership_id, category) references category(partnership_id, code),
      foreign key (partnership_id, place_type) references place_type(partnership_id, code)
    )`.execute(db);
  await sql`create index intelligence_record_location_idx on intelligence_record using gist (location)`.execute(
    db,
  );
  await sql`create index intelligence_record_period_idx on intelligence_record (partnership_id, reported_on)`.execute(
    db,
  );
  await sql`create index intelligence_record_batch_idx on intelligence_record (batch_id)`.execute(
    db,
  );
  await sql`create index intelligence_record_review_idx on intelligence_record (partnership_id, review_on)`.execute(
    db,
  );

  await sql`
    create table record_retention (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      record_id bigint not null references intelligence_record(id) on delete cascade,
      decided_by uuid not null,
      decided_at timestamptz not null,
      reason text not null check (length(reason) between 3 and 500),
      previous_review_on date not null,
      new_review_on date not null check (new_review_on > previous_review_on)
    )`.execute(db);

  await sql`
    create table hotspot (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      area geometry(MultiPolygon, 4326) not null,
      method text not null check (method in ('dbscan','gistar','kde','drawn')),
      parameters jsonb not null default '{}'::jsonb,
      period_from date,
      period_to date,
      stats jsonb not null default '{}'::jsonb,
      status text not null default 'proposed' check (status in ('proposed','confirmed','tasked','monitoring','closed')),
      risk text check (risk in ('low','medium','high','very-high')),
      review_on date,
      objective text,
      scanning text,
      analysis text,
      response text,
      assessment text,
      response_started_on date,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (partnership_id, id),
      foreign key (partnership_id, created_by) references app_user(partnership_id, id),
      check (period_from is null or period_to is null or period_from <= period_to)
    )`.execute(db);
  await sql`create index hotspot_area_idx on hotspot using gist (area)`.execute(db);

  await sql`
    create table hotspot_status_change (
      id uuid primary key,
      partnership_id uuid not null,
      hotspot_id uuid not null,
      from_status text,
      to_status text not null check (to_status in ('proposed','confirmed','tasked','monitoring','closed')),
      changed_by uuid not null,
      changed_at timestamptz not null,
      reason text,
      foreign key (partnership_id, hotspot_id) references hotspot(partnership_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table meeting (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      title text not null check (length(title) between 1 and 200),
      starts_at timestamptz not null,
      place text,
      status text not null default 'planned' check (status in ('planned','in_progress','closed')),
      created_by uuid not null,
      created_at timestamptz not null,
      closed_at timestamptz,
      unique (partnership_id, id),
      check ((status = 'closed') = (closed_at is not null))
    )`.execute(db);

  await sql`
    create table meeting_attendee (
      meeting_id uuid not null references meeting(id) on delete cascade,
      partnership_id uuid not null,
      agency_id uuid not null,
      user_id uuid,
      present boolean not null default false,
      primary key (meeting_id, agency_id),
      foreign key (partnership_id, agency_id) references agency(partnership_id, id)
    )`.execute(db);

  await sql`
    create table action (
      id uuid primary key,
      partnership_id uuid not null references partnership(id) on delete cascade,
      hotspot_id uuid not null,
      priority text not null check (priority in ('prevention-education','recognition-identification','intervention-support','pursue-disrupt')),
      agency_id uuid not null,
      title text not null check (length(title) between 1 and 200),
      detail text check (length(detail) <= 4000),
      due_on date not null,
      status text not null default 'assigned' check (status in ('assigned','acknowledged','in_progress','completed','declined')),
      acknowledged_by uuid,
      acknowledged_at timestamptz,
      outcome text check (length(outcome) <= 4000),
      decline_reason text check (length(decline_reason) <= 2000),
      meeting_id uuid,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      completed_at timestamptz,
      unique (partnership_id, id),
      foreign key (partnership_id, hotspot_id) references hotspot(partnership_id, id) on delete cascade,
      foreign key (partnership_id, agency_id) references agency(partnership_id, id),
      foreign key (partnership_id, meeting_id) references meeting(partnership_id, id),
      check (status not in ('acknowledged','in_progress','completed') or (acknowledged_at is not null and acknowledged_by is not null)),
      check ((status = 'declined') = (decline_reason is not null)),
      check ((status = 'completed') = (completed_at is not null and outcome is not null))
    )`.execute(db);
  await sql`create index action_agency_idx on action (partnership_id, agency_id, status)`.execute(
    db,
  );

  await sql`
    create table action_update (
      id uuid primary key,
      partnership_id uuid not null,
      action_id uuid not null,
      author_id uuid not null,
      created_at timestamptz not null,
      from_status text,
      to_status text,
      note text check (length(note) <= 4000),
      foreign key (partnership_id, action_id) references action(partnership_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table agenda_item (
      id uuid primary key,
      partnership_id uuid not null,
      meeting_id uuid not null,
      position integer not null check (position >= 0),
      kind text not null check (kind in ('new-hotspot','emerging-hotspot','review-due','awaiting-acknowledgement','overdue-action','completed-action','custom')),
      hotspot_id uuid,
      action_id uuid,
      title text not null,
      decision text,
      foreign key (partnership_id, meeting_id) references meeting(partnership_id, id) on delete cascade,
      foreign key (partnership_id, hotspot_id) references hotspot(partnership_id, id) on delete cascade,
      foreign key (partnership_id, action_id) references action(partnership_id, id) on delete cascade
    )`.execute(db);

  // Append-only, hash-chained. Never holds coordinates or record text.
  await sql`
    create table audit_event (
      id bigint primary key,
      partnership_id uuid,
      occurred_at timestamptz not null,
      actor_user_id uuid,
      actor_role text,
      actor_agency text,
      category text not null check (category in ('collection','alteration','consultation','disclosure','combination','erasure','authentication','refusal','admin')),
      action text not null,
      object_type text,
      object_id text,
      query jsonb,
      outcome text not null default 'ok',
      address text,
      request_id text,
      prev_hash text not null,
      hash text not null
    )`.execute(db);
  await sql`create index audit_event_time_idx on audit_event (occurred_at)`.execute(db);
  await sql`
    create function audit_event_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only' using errcode = '42501';
    end $$`.execute(db);
  await sql`
    create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_refuse_change()`.execute(db);
  await sql`
    create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_refuse_change()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
