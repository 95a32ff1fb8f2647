// Over 400 lines because it is the one Database interface kysely types every query with: a table
// type for each table the migrations create.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

// Types of the tables created by the migrations. Geometry columns are read through PostGIS
// functions (ST_AsGeoJSON) and written as SQL expressions, so their TS type is opaque text.
type Geometry = ColumnType<string, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableDate = ColumnType<string | null, string | null, string | null>;
type DateOnly = ColumnType<string, string, string>;
type Json<T = unknown> = ColumnType<T, string, string>;
/** A JSON column with a default. Not Generated<Json>: kysely's Generated does not unwrap a ColumnType. */
type DefaultJson<T = unknown> = ColumnType<T, string | undefined, string>;

export interface PartnershipTable {
  id: string;
  slug: string;
  name: string;
  area: Geometry | null;
  suppression_k: Generated<number>;
  retention_months: Generated<number>;
  mfa_required: Generated<boolean>;
  synthetic: Generated<boolean>;
  analysis_defaults: DefaultJson<Record<string, unknown>>;
  data_version: ColumnType<string, never, string>;
  created_at: DefaultTimestamp;
  /** Published hexagon lattices, circumradius in metres, each >= 100 (migration 0007). */
  published_hex_sizes: ColumnType<number[], number[] | undefined, number[]>;
  /** The cell key method's perturbation table, stored at creation (migration 0007). */
  perturbation: ColumnType<unknown, never, never>;
}

export interface BoundaryTable {
  id: string;
  partnership_id: string;
  kind: 'district' | 'ward';
  code: string;
  name: string;
  geom: Geometry;
  source: string;
  loaded_at: DefaultTimestamp;
}

export interface AgencyTable {
  id: string;
  partnership_id: string;
  code: string;
  name: string;
  kind: string;
  email: string | null;
}

export interface TaxonomyTable {
  partnership_id: string;
  code: string;
  label: string;
  description: string | null;
  retired: Generated<boolean>;
}

export interface PoliceUkMappingTable {
  partnership_id: string;
  crime_type: string;
  category_code: string;
}

export interface AppUserTable {
  id: string;
  partnership_id: string;
  email: string;
  display_name: string;
  role: 'admin' | 'analyst' | 'chair' | 'partner' | 'viewer';
  agency_id: string;
  /** Null until the user redeems an enrolment link and sets their own (migration 0010). */
  password_hash: string | null;
  mfa_secret: string | null;
  mfa_enrolled_at: NullableTimestamp;
  disabled: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** Sessions created before this instant are refused (migration 0002). */
  sessions_valid_from: NullableTimestamp;
  /** The TOTP time step last accepted, against replay (migration 0002). */
  totp_last_counter: ColumnType<string | null, number | string | null, number | string | null>;
}

export interface RecoveryCodeTable {
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
}

/** One-time enrolment codes, stored as sha256 only (migration 0010). */
export interface EnrolmentTokenTable {
  token_hash: string;
  user_id: string;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

/** A request to grant the analyst role, waiting for a second person (migration 0010). */
export interface RoleGrantTable {
  id: string;
  partnership_id: string;
  user_id: string;
  role: 'analyst';
  reason: 'create' | 'role-change' | 're-enable' | 'credential-reset';
  /** Whether approval also enables the (disabled) account. */
  enable: boolean;
  requested_by: string | null;
  requested_at: Timestamp;
  outcome: Generated<'pending' | 'approved' | 'refused'>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  partnership_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  mfa_passed: Generated<boolean>;
  csrf_token: string;
  address: string | null;
  user_agent: string | null;
}

export interface LoginThrottleTable {
  key: string;
  /** Attempts counted in the window (before the secret is checked). */
  attempts: Generated<number>;
  window_started_at: Timestamp;
  locked_until: NullableTimestamp;
}

export interface BatchTable {
  id: string;
  partnership_id: string;
  uploaded_by: string;
  uploaded_at: Timestamp;
  file_name: string;
  sha256: string;
  profile: 'native-csv' | 'geojson' | 'police-uk' | 'single';
  size_bytes: ColumnType<string, number | string, number | string>;
  rows_total: number;
  rows_valid: number;
  rows_invalid: number;
  rows_skipped: number;
  /** Rows whose only problem is a location outside the area (also in rows_invalid); 0013. */
  rows_outside: Generated<number>;
  status: 'validated' | 'committed' | 'rejected' | 'withdrawn';
  errors: DefaultJson;
  committed_at: NullableTimestamp;
  committed_by: string | null;
  withdrawn_at: NullableTimestamp;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
  /** 'month' for sources dated only to the month (police.uk); migration 0011. */
  date_precision: Generated<'day' | 'month'>;
  /** Most records on coordinates shared with others (snap points); null until committed. */
  locations_snapped: boolean | null;
}

interface RecordColumns {
  reported_on: DateOnly;
  occurred_from: NullableTimestamp;
  occurred_to: NullableTimestamp;
  location: Geometry;
  easting: number;
  northing: number;
  precision: 'exact' | 'street' | 'area';
  place_type: string;
  category: string;
  source_agency_id: string;
  source_grade: '1' | '2' | '3';
  intelligence_grade: 'A' | 'B' | 'C' | 'D' | 'E';
  handling_code: 'P' | 'C';
  summary: string | null;
  external_ref: string | null;
  fingerprint: string;
}

export interface BatchRowTable extends Omit<RecordColumns, 'easting' | 'northing'> {
  batch_id: string;
  row_no: number;
  /** Null in staging; commit derives them with ST_Transform (migration 0003). */
  easting: number | null;
  northing: number | null;
}

/** Every row-level problem or deliberate skip of a batch, in file order (migration 0003). */
export interface BatchErrorTable {
  batch_id: string;
  seq: number;
  row_no: number;
  column_name: string | null;
  code: string;
  message: string;
  skipped: Generated<boolean>;
}

export interface IntelligenceRecordTable extends RecordColumns {
  id: ColumnType<string, never, never>;
  partnership_id: string;
  batch_id: string;
  row_no: number;
  review_on: DateOnly;
  synthetic: Generated<boolean>;
  created_at: DefaultTimestamp;
  /** Random in [0, 1), set when stored, never served (migration 0007). */
  record_key: ColumnType<number, never, never>;
}

/**
 * True counts of P records per published cell with the sum of their record keys, kept by
 * triggers (migration 0007). `lattice` is `hex:<size>` (cell `i:j`) or `area:district` (cell =
 * the district's code, migration 0012). Read only through features/disclosure/published.ts.
 */
export interface PublishedCellTable {
  partnership_id: string;
  lattice: string;
  month: DateOnly;
  cell: string;
  category: string;
  place_type: string;
  source_grade: string;
  intelligence_grade: string;
  n: number;
  key_sum: ColumnType<string, string, string>;
}

/** published_cell summed over taxonomy and grades, per (lattice, month, cell) (migration 0012). */
export interface PublishedCellTotalTable {
  partnership_id: string;
  lattice: string;
  month: DateOnly;
  cell: string;
  n: number;
  key_sum: ColumnType<string, string, string>;
}

/** Districts cut into small BNG pieces for the area rows' point lookups (migration 0012). */
export interface PublishedAreaPartTable {
  partnership_id: string;
  code: string;
  geom: string;
}

/**
 * 250 m BNG squares whose district is the same for every point in them (null: no district), so
 * most records take their district from a join instead of a point lookup (migration 0014).
 */
export interface PublishedAreaSquareTable {
  partnership_id: string;
  i: number;
  j: number;
  code: string | null;
}

/** Committed batches the published table does not count yet (migration 0015). */
export interface PublishedPendingTable {
  batch_id: string;
  partnership_id: string;
  queued_at: Generated<Timestamp>;
}

export interface RecordRetentionTable {
  id: string;
  partnership_id: string;
  record_id: string;
  decided_by: string;
  decided_at: Timestamp;
  reason: string;
  previous_review_on: DateOnly;
  new_review_on: DateOnly;
}

export interface HotspotTable {
  id: string;
  partnership_id: string;
  name: string;
  area: Geometry;
  method: 'dbscan' | 'gistar' | 'kde' | 'drawn';
  parameters: DefaultJson<Record<string, unknown>>;
  period_from: NullableDate;
  period_to: NullableDate;
  stats: DefaultJson<Record<string, unknown>>;
  status: Generated<'proposed' | 'confirmed' | 'tasked' | 'monitoring' | 'closed'>;
  risk: 'low' | 'medium' | 'high' | 'very-high' | null;
  review_on: NullableDate;
  objective: string | null;
  scanning: string | null;
  analysis: string | null;
  response: string | null;
  assessment: string | null;
  response_started_on: NullableDate;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HotspotStatusChangeTable {
  id: string;
  partnership_id: string;
  hotspot_id: string;
  from_status: string | null;
  to_status: string;
  changed_by: string;
  changed_at: Timestamp;
  reason: string | null;
}

export interface MeetingTable {
  id: string;
  partnership_id: string;
  title: string;
  starts_at: Timestamp;
  place: string | null;
  status: Generated<'planned' | 'in_progress' | 'closed'>;
  created_by: string;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
  /** Held online (with or without a place) (migration 0005). */
  online: Generated<boolean>;
  /** When the agenda was first generated; null until then (migration 0005). */
  agenda_generated_at: NullableTimestamp;
}

export interface MeetingAttendeeTable {
  meeting_id: string;
  partnership_id: string;
  agency_id: string;
  user_id: string | null;
  present: Generated<boolean>;
}

export interface ActionTable {
  id: string;
  partnership_id: string;
  hotspot_id: string;
  priority:
    | 'prevention-education'
    | 'recognition-identification'
    | 'intervention-support'
    | 'pursue-disrupt';
  agency_id: string;
  title: string;
  detail: string | null;
  due_on: DateOnly;
  status: Generated<'assigned' | 'acknowledged' | 'in_progress' | 'completed' | 'declined'>;
  acknowledged_by: string | null;
  acknowledged_at: NullableTimestamp;
  outcome: string | null;
  decline_reason: string | null;
  meeting_id: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface ActionUpdateTable {
  id: string;
  partnership_id: string;
  action_id: string;
  author_id: string;
  created_at: Timestamp;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
}

export interface AgendaItemTable {
  id: string;
  partnership_id: string;
  meeting_id: string;
  position: number;
  kind:
    | 'new-hotspot'
    | 'emerging-hotspot'
    | 'review-due'
    | 'awaiting-acknowledgement'
    | 'overdue-action'
    | 'completed-action'
    | 'custom';
  hotspot_id: string | null;
  action_id: string | null;
  title: string;
  decision: string | null;
  /** The saved map view the item is shown with (migration 0005). */
  view_id: string | null;
}

/** What a meeting decided on an agenda item, by whom and when (migration 0005). */
export interface AgendaDecisionTable {
  id: string;
  partnership_id: string;
  meeting_id: string;
  agenda_item_id: string;
  text: string;
  decided_by: string;
  decided_at: Timestamp;
}

/** A saved map view: versioned JSON config (viewport, layers, filters) (migration 0005). */
export interface SavedViewTable {
  id: string;
  partnership_id: string;
  name: string;
  config_version: number;
  config: Json<Record<string, unknown>>;
  created_by: string;
  created_at: Timestamp;
}

/** Suggested actions by place type, editable per partnership (migration 0004). */
export interface SuggestedActionTable {
  id: string;
  partnership_id: string;
  place_type: string;
  priority: ActionTable['priority'];
  title: string;
  detail: string | null;
  agency_kind: string | null;
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type NotificationKind =
  | 'action-assigned'
  | 'action-due-soon'
  | 'action-overdue'
  | 'action-declined'
  | 'action-completed';

/** In-app notifications; (user_id, dedupe_key) is unique so each notice is made once (0004). */
export interface NotificationTable {
  id: string;
  partnership_id: string;
  user_id: string;
  kind: NotificationKind;
  action_id: string | null;
  message: string;
  dedupe_key: string;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}

/** Emails waiting for SMTP; dedupe_key unique, claimed with a lease so each is sent once (0004). */
export interface EmailOutboxTable {
  id: string;
  partnership_id: string;
  dedupe_key: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: Timestamp;
  claimed_until: NullableTimestamp;
  attempts: Generated<number>;
  sent_at: NullableTimestamp;
  last_error: string | null;
}

export type AuditCategory =
  | 'collection'
  | 'alteration'
  | 'consultation'
  | 'disclosure'
  | 'combination'
  | 'erasure'
  | 'authentication'
  | 'refusal'
  | 'admin';

export interface AuditEventTable {
  id: ColumnType<string, string | number, never>;
  partnership_id: string | null;
  occurred_at: Timestamp;
  actor_user_id: string | null;
  actor_role: string | null;
  actor_agency: string | null;
  category: AuditCategory;
  action: string;
  object_type: string | null;
  object_id: string | null;
  query: Json | null;
  outcome: string;
  address: string | null;
  request_id: string | null;
  /** The HMAC key that signed the event; null for legacy sha256 events (before 0008). */
  key_id: string | null;
  prev_hash: string;
  hash: string;
}

/** One row: events up to `legacy_until` were chained with plain sha256 (migration 0008). */
export interface AuditChainTable {
  id: number;
  legacy_until: ColumnType<string, string | number, never>;
}

export interface Database {
  partnership: PartnershipTable;
  boundary: BoundaryTable;
  agency: AgencyTable;
  category: TaxonomyTable;
  place_type: TaxonomyTable;
  police_uk_mapping: PoliceUkMappingTable;
  app_user: AppUserTable;
  recovery_code: RecoveryCodeTable;
  enrolment_token: EnrolmentTokenTable;
  role_grant: RoleGrantTable;
  session: SessionTable;
  login_throttle: LoginThrottleTable;
  batch: BatchTable;
  batch_row: BatchRowTable;
  batch_error: BatchErrorTable;
  intelligence_record: IntelligenceRecordTable;
  record_retention: RecordRetentionTable;
  published_cell: PublishedCellTable;
  published_area_part: PublishedAreaPartTable;
  published_area_square: PublishedAreaSquareTable;
  published_cell_total: PublishedCellTotalTable;
  published_pending: PublishedPendingTable;
  hotspot: HotspotTable;
  hotspot_status_change: HotspotStatusChangeTable;
  meeting: MeetingTable;
  meeting_attendee: MeetingAttendeeTable;
  action: ActionTable;
  action_update: ActionUpdateTable;
  agenda_item: AgendaItemTable;
  agenda_decision: AgendaDecisionTable;
  saved_view: SavedViewTable;
  audit_event: AuditEventTable;
  audit_chain: AuditChainTable;
  suggested_action: SuggestedActionTable;
  notification: NotificationTable;
  email_outbox: EmailOutboxTable;
}

export type Partnership = Selectable<PartnershipTable>;
export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type Agency = Selectable<AgencyTable>;
export type Hotspot = Selectable<HotspotTable>;
export type Action = Selectable<ActionTable>;
export type AuditEvent = Selectable<AuditEventTable>;
