import { z } from '@hono/zod-openapi';
import type { PointXY } from '@hotspot/analysis';
import { type Db, selectFloat8Pairs, unpackFloat8 } from '@hotspot/db';
import { sql } from 'kysely';

/**
 * A repeatable query parameter that also accepts comma lists: `?category=a,b&category=c`.
 * Hono hands one occurrence over as a string and several as an array.
 */
function listParam(item: z.ZodString, description: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) =>
      (value === undefined ? [] : Array.isArray(value) ? value : [value])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v.length > 0),
    )
    .pipe(z.array(item).max(50))
    .openapi({ description: `${description}; repeat the parameter or give a comma list` });
}

const CODE = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a taxonomy code (kebab-case)');

/** Period and filters every layer, analysis and export takes. Dates are inclusive (reported_on). */
export const RecordFilterShape = {
  from: z.iso
    .date()
    .optional()
    .openapi({ description: 'First reported date (inclusive); default one year before `to`' }),
  to: z.iso
    .date()
    .optional()
    .openapi({ description: 'Last reported date (inclusive); default today' }),
  category: listParam(CODE, 'Category codes'),
  placeType: listParam(CODE, 'Place type codes'),
  sourceAgency: listParam(
    z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, 'an agency code'),
    'Source agency codes',
  ),
  sourceGrade: listParam(z.string().regex(/^[123]$/, 'one of 1, 2, 3'), 'Source grades 1-3'),
  intelligenceGrade: listParam(
    z.string().regex(/^[A-E]$/, 'one of A-E'),
    'Intelligence grades A-E',
  ),
  handlingCode: listParam(
    z.string().regex(/^[PC]$/, 'P or C'),
    'Handling codes P/C (C records never reach non-analysts whatever is asked)',
  ),
  batchId: listParam(
    z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a batch id'),
    'Batch ids (analysts only; ignored for others)',
  ),
  profile: listParam(
    z
      .string()
      .regex(
        /^(native-csv|geojson|police-uk|single)$/,
        'one of native-csv, geojson, police-uk, single',
      ),
    'Source profiles of the batches (analysts only; ignored for others)',
  ),
} as const;

export interface RecordFilters {
  readonly from: string;
  readonly to: string;
  readonly category: readonly string[];
  readonly placeType: readonly string[];
  readonly sourceAgency: readonly string[];
  readonly sourceGrade: readonly string[];
  readonly intelligenceGrade: readonly string[];
  readonly handlingCode: readonly string[];
  readonly batchId: readonly string[];
  readonly profile: readonly string[];
}

type RawFilters = {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly batchId?: readonly string[] | undefined;
  readonly profile?: readonly string[] | undefined;
} & Omit<RecordFilters, 'from' | 'to' | 'batchId' | 'profile'>;

const DEFAULT_PERIOD_DAYS = 365;

/**
 * Fills in the default period (the year up to today by the injected clock) and sorts the lists,
 * so equal requests produce equal cache keys. Throws a 422-shaped error list when from > to.
 */
export function resolveFilters(raw: RawFilters, today: Date): RecordFilters {
  const to = raw.to ?? today.toISOString().slice(0, 10);
  const from =
    raw.from ??
    new Date(Date.parse(`${to}T00:00:00Z`) - DEFAULT_PERIOD_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
  const sorted = (v: readonly string[]) => [...new Set(v)].sort();
  return {
    from,
    to,
    category: sorted(raw.category),
    placeType: sorted(raw.placeType),
    sourceAgency: sorted(raw.sourceAgency),
    sourceGrade: sorted(raw.sourceGrade),
    intelligenceGrade: sorted(raw.intelligenceGrade),
    handlingCode: sorted(raw.handlingCode),
    batchId: sorted(raw.batchId ?? []),
    profile: sorted(raw.profile ?? []),
  };
}

/** One selected record, coordinates in British National Grid metres. */
export interface SelectedRecord {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly t: string;
  readonly category: string;
  readonly placeType: string;
  readonly sourceAgency: string;
  readonly handlingCode: 'P' | 'C';
}

export interface RecordSelection {
  readonly partnershipId: string;
  readonly filters: RecordFilters;
  /**
   * False for every non-analyst request: C-coded records are removed in SQL before anything is
   * aggregated (DESIGN.md section 5 rule 4), whatever `handlingCode` asks for.
   */
  readonly includeHandlingC: boolean;
  /** Optional WGS84 box [west, south, east, north] (uses the GiST index on location). */
  readonly bbox?: readonly [number, number, number, number];
  /** Optional WGS84 polygon (GeoJSON geometry text) the records must lie in. */
  readonly withinGeoJson?: string;
}

function whereClause(selection: RecordSelection) {
  const f = selection.filters;
  const any = (
    column: ReturnType<typeof sql.ref>,
    values: readonly string[],
    type: 'text' | 'uuid' = 'text',
  ) => (values.length === 0 ? sql`true` : sql`${column} = any(${[...values]}::${sql.raw(type)}[])`);
  const handling = selection.includeHandlingC
    ? f.handlingCode
    : f.handlingCode.length === 0
      ? ['P']
      : f.handlingCode.filter((h) => h === 'P');
  return sql`r.partnership_id = ${selection.partnershipId}
    and r.reported_on between ${f.from}::date and ${f.to}::date
    and ${any(sql.ref('r.category'), f.category)}
    and ${any(sql.ref('r.place_type'), f.placeType)}
    and ${any(sql.ref('a.code'), f.sourceAgency)}
    and ${any(sql.ref('r.source_grade'), f.sourceGrade)}
    and ${any(sql.ref('r.intelligence_grade'), f.intelligenceGrade)}
    and ${handling.length === 0 && !selection.includeHandlingC ? sql`false` : any(sql.ref('r.handling_code'), handling)}
    and (p.area is null or ST_Intersects(r.location, p.area))
    ${
      // Batch and source-profile filters are for analysts (record-level readers) only.
      selection.includeHandlingC && (f.batchId.length > 0 || f.profile.length > 0)
        ? sql`and exists (select 1 from batch b where b.id = r.batch_id
            and ${any(sql.ref('b.id'), f.batchId.length === 0 ? [] : f.batchId, 'uuid')}
            and ${any(sql.ref('b.profile'), f.profile)})`
        : sql``
    }
    ${selection.bbox ? sql`and r.location && ST_MakeEnvelope(${selection.bbox[0]}, ${selection.bbox[1]}, ${selection.bbox[2]}, ${selection.bbox[3]}, 4326)` : sql``}
    ${selection.withinGeoJson ? sql`and ST_Intersects(r.location, ST_SetSRID(ST_GeomFromGeoJSON(${selection.withinGeoJson}), 4326))` : sql``}`;
}

/**
 * Selects the records matching the period, filters and partnership area with PostGIS and
 * returns them in British National Grid metres (the easting/northing PostGIS derived at commit),
 * ordered by id so every analysis sees the same order.
 */
export async function selectRecords(db: Db, selection: RecordSelection): Promise<SelectedRecord[]> {
  const result = await sql<{
    id: string;
    x: number;
    y: number;
    t: string;
    category: string;
    place_type: string;
    agency: string;
    handling_code: 'P' | 'C';
  }>`
    select r.id::text as id, r.easting as x, r.northing as y, r.reported_on::text as t,
      r.category, r.place_type, a.code as agency, r.handling_code
    from intelligence_record r
    join agency a on a.id = r.source_agency_id
    join partnership p on p.id = r.partnership_id
    where ${whereClause(selection)}
    order by r.id`.execute(db.kysely);
  return result.rows.map((r) => ({
    id: r.id,
    x: Number(r.x),
    y: Number(r.y),
    t: r.t,
    category: r.category,
    placeType: r.place_type,
    sourceAgency: r.agency,
    handlingCode: r.handling_code,
  }));
}

/**
 * Only the BNG locations of the selected records, in no particular order: what counting in cells
 * (hexagon counts, Gi*) needs, without the per-record columns, the join's text or the sort that
 * `selectRecords` pays for. The rows are the points; nothing is copied per record.
 */
export async function selectRecordPoints(db: Db, selection: RecordSelection): Promise<PointXY[]> {
  // Two packed columns, not a row object (or a text array element) per record: at 100,000
  // records the drivers spend most of the query's time building rows or parsing numbers.
  const { xs, ys } = await selectFloat8Pairs(
    db,
    sql`r.easting`,
    sql`r.northing`,
    sql`intelligence_record r
      join agency a on a.id = r.source_agency_id
      join partnership p on p.id = r.partnership_id
      where ${whereClause(selection)}`,
  );
  const points: PointXY[] = new Array(xs.length);
  for (let k = 0; k < xs.length; k++) points[k] = { x: xs[k]!, y: ys[k]! };
  return points;
}

/** Records as clusters on a square BNG grid (server-side clustering of the points layer). */
export async function selectRecordGridClusters(
  db: Db,
  selection: RecordSelection,
  cellMeters: number,
): Promise<{ x: number; y: number; count: number }[]> {
  const result = await sql<{ x: number; y: number; count: string }>`
    select avg(r.easting) as x, avg(r.northing) as y, count(*)::text as count
    from intelligence_record r
    join agency a on a.id = r.source_agency_id
    join partnership p on p.id = r.partnership_id
    where ${whereClause(selection)}
    group by floor(r.easting / ${cellMeters}), floor(r.northing / ${cellMeters})
    order by 1, 2`.execute(db.kysely);
  return result.rows.map((r) => ({ x: Number(r.x), y: Number(r.y), count: Number(r.count) }));
}

export async function countRecords(db: Db, selection: RecordSelection): Promise<number> {
  const result = await sql<{ n: string }>`
    select count(*)::text as n
    from intelligence_record r
    join agency a on a.id = r.source_agency_id
    join partnership p on p.id = r.partnership_id
    where ${whereClause(selection)}`.execute(db.kysely);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * The grain of the selected records' batches (migration 0011): whether any is dated only to the
 * month, and whether any has snapped locations. Both false when nothing is selected.
 */
export async function selectionGrain(
  db: Db,
  selection: RecordSelection,
): Promise<{ monthDated: boolean; snapped: boolean }> {
  const result = await sql<{ month_dated: boolean | null; snapped: boolean | null }>`
    select bool_or(b.date_precision = 'month') as month_dated,
      bool_or(coalesce(b.locations_snapped, false)) as snapped
    from intelligence_record r
    join agency a on a.id = r.source_agency_id
    join partnership p on p.id = r.partnership_id
    join batch b on b.id = r.batch_id
    where ${whereClause(selection)}`.execute(db.kysely);
  const row = result.rows[0];
  return { monthDated: row?.month_dated === true, snapped: row?.snapped === true };
}

/**
 * The selected records' BNG locations and month numbers (year × 12 + month − 1), as three packed
 * columns: what a forecast or backtest needs, without a row object per record (at 100,000
 * records building rows costs more than the scoring).
 */
export async function selectRecordMonths(
  db: Db,
  selection: RecordSelection,
): Promise<{ xs: Float64Array; ys: Float64Array; months: Float64Array }> {
  const result = await sql<{ xs: Uint8Array | null; ys: Uint8Array | null; ms: Uint8Array | null }>`
    select string_agg(float8send(r.easting), ''::bytea) as xs,
      string_agg(float8send(r.northing), ''::bytea) as ys,
      string_agg(float8send((extract(year from r.reported_on) * 12 + extract(month from r.reported_on) - 1)::float8), ''::bytea) as ms
    from intelligence_record r
    join agency a on a.id = r.source_agency_id
    join partnership p on p.id = r.partnership_id
    where ${whereClause(selection)}`.execute(db.kysely);
  const row = result.rows[0];
  return {
    xs: unpackFloat8(row?.xs ?? null),
    ys: unpackFloat8(row?.ys ?? null),
    months: unpackFloat8(row?.ms ?? null),
  };
}
