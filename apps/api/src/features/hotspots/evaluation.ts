import { type BeforeAfter, WDQ_EXPLANATION, weightedDisplacementQuotient } from '@hotspot/analysis';
import { lngLatToBng } from '@hotspot/ingest';
import { sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  type DisclosedCount,
  daysOf,
  hexCellsTouching,
  hexLattice,
  type MonthRange,
  publishedValue,
  receivesRecordLevel,
  refused,
  trueCells,
  unionOf,
} from '../disclosure/index.ts';
import type { PartnershipState } from '../partnership/index.ts';
import type { HotspotRow } from './hotspots.queries.ts';

export const DEFAULT_BUFFER_METERS = 250;
const MAX_PERIOD_DAYS = 730;
const DAY_MS = 86_400_000;

export interface EvaluationOptions {
  readonly bufferMeters?: number | undefined;
  /** When the response began; default the hotspot's response_started_on. */
  readonly date?: string | undefined;
  /** Length of each of the equal before and after periods; default as long as possible, up to 365. */
  readonly periodDays?: number | undefined;
}

type Counts = {
  readonly target: BeforeAfter;
  readonly buffer: BeforeAfter;
  readonly control: BeforeAfter;
};

function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

function invalid(pointer: string, detail: string): ProblemError {
  return new ProblemError(PROBLEM.validation, detail, { errors: [{ pointer, detail }] });
}

/**
 * Counts reports in the hotspot (target), in a ring around it (buffer) and in the rest of the
 * partnership area (control), in equal periods before and after the response began, selected
 * with PostGIS in British National Grid; then the WDQ and total net effect (packages/analysis).
 * A report on a boundary counts once: target first, then buffer, then control. Record-level:
 * analysts only; everyone else gets `evaluatePublished`.
 */
export async function evaluateHotspot(
  deps: AppDeps,
  user: SessionUser,
  hotspot: HotspotRow,
  options: EvaluationOptions,
) {
  const today = isoDay(deps.clock());
  const bufferMeters = options.bufferMeters ?? DEFAULT_BUFFER_METERS;
  const date = options.date ?? hotspot.responseStartedOn;
  if (!date) {
    throw invalid(
      '/query/date',
      'The response has no start date yet: give `date`, or set the response start on the hotspot.',
    );
  }
  const daysSince = Math.floor(
    (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / DAY_MS,
  );
  if (daysSince < 1)
    throw invalid(
      '/query/date',
      'The response began today or later: there is no "after" period yet.',
    );
  const periodDays = options.periodDays ?? Math.min(daysSince, 365);
  if (periodDays > daysSince) {
    throw invalid(
      '/query/periodDays',
      `The after period would run past today; at most ${daysSince} days.`,
    );
  }
  if (periodDays > MAX_PERIOD_DAYS)
    throw invalid('/query/periodDays', `At most ${MAX_PERIOD_DAYS} days.`);
  const before = { from: addDays(date, -periodDays), to: addDays(date, -1) };
  const after = { from: date, to: addDays(date, periodDays - 1) };
  const analyst = receivesRecordLevel(user);

  const result = await sql<{
    has_area: boolean;
    rb: string;
    ra: string;
    db: string;
    da: string;
    cb: string;
    ca: string;
  }>`
    with zones as (
      select ST_Transform(h.area, 27700) as target,
        ST_Difference(ST_Buffer(ST_Transform(h.area, 27700), ${bufferMeters}::float8), ST_Transform(h.area, 27700)) as ring,
        ST_Difference(ST_Transform(p.area, 27700), ST_Buffer(ST_Transform(h.area, 27700), ${bufferMeters}::float8)) as control,
        p.area is not null as has_area
      from hotspot h join partnership p on p.id = h.partnership_id
      where h.id = ${hotspot.id} and h.partnership_id = ${user.partnershipId}),
    placed as (
      select r.reported_on < ${date}::date as is_before,
        case when ST_Intersects(pt, z.target) then 'target'
             when ST_Intersects(pt, z.ring) then 'buffer'
             when ST_Intersects(pt, z.control) then 'control' end as zone
      from zones z,
        lateral (select r.reported_on, ST_SetSRID(ST_MakePoint(r.easting, r.northing), 27700) as pt
                 from intelligence_record r
                 where r.partnership_id = ${user.partnershipId}
                   and r.reported_on between ${before.from}::date and ${after.to}::date
                   ${analyst ? sql`` : sql`and r.handling_code = 'P'`}) r)
    select (select has_area from zones) as has_area,
      count(*) filter (where zone = 'target' and is_before)::text as rb,
      count(*) filter (where zone = 'target' and not is_before)::text as ra,
      count(*) filter (where zone = 'buffer' and is_before)::text as db,
      count(*) filter (where zone = 'buffer' and not is_before)::text as da,
      count(*) filter (where zone = 'control' and is_before)::text as cb,
      count(*) filter (where zone = 'control' and not is_before)::text as ca
    from placed`.execute(deps.db.kysely);
  const row = result.rows[0];
  if (!row?.has_area) {
    throw new ProblemError(
      PROBLEM.conflict,
      'The partnership has no area, so there is no control area to compare with. An admin can set it.',
    );
  }
  const counts: Counts = {
    target: { before: Number(row.rb), after: Number(row.ra) },
    buffer: { before: Number(row.db), after: Number(row.da) },
    control: { before: Number(row.cb), after: Number(row.ca) },
  };
  const computed = weightedDisplacementQuotient(counts);
  const parameters = { bufferMeters, date, periodDays, before, after };
  return {
    parameters,
    counts: mapCounts(counts, (n) => ({ count: n })),
    result: computed,
    explanation: WDQ_EXPLANATION,
  };
}

function mapCounts(counts: Counts, f: (n: number) => DisclosedCount) {
  const pair = (c: BeforeAfter) => ({ before: f(c.before), after: f(c.after) });
  return {
    target: pair(counts.target),
    buffer: pair(counts.buffer),
    control: pair(counts.control),
  };
}

function round(n: number, places: number): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

/** The six hexagons adjacent to (i, j) (PostGIS ST_HexagonGrid numbering). */
function adjacent(i: number, j: number): [number, number][] {
  const up = i & 1 ? 1 : 0;
  return [
    [i, j - 1],
    [i, j + 1],
    [i - 1, j - 1 + up],
    [i - 1, j + up],
    [i + 1, j - 1 + up],
    [i + 1, j + up],
  ];
}

function addMonths(firstDay: string, months: number): string {
  const d = new Date(`${firstDay}T00:00:00Z`);
  return isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)));
}

/**
 * The outcome evaluation for non-analysts, from the published table alone (DESIGN.md section 5,
 * version 2): the target is the finest lattice's cells the hotspot touches, the buffer the ring of
 * cells around them, the control every other cell holding at least k (cells below k are not
 * published); the periods are whole months, as many before as after the month the response
 * began (up to 12, only months already over). Each zone's count
 * is the published value of its union, and the WDQ is computed from those values only, so it
 * can never be solved back to a true count.
 */
export async function evaluatePublished(
  deps: AppDeps,
  state: PartnershipState,
  hotspot: HotspotRow,
  options: EvaluationOptions,
) {
  const free: Record<string, string> = {};
  if (options.bufferMeters !== undefined) {
    free.bufferMeters = 'is for analysts; the buffer is the ring of hexagons around the hotspot';
  }
  if (options.periodDays !== undefined) {
    free.periodDays = 'is for analysts; the periods are whole months';
  }
  if (Object.keys(free).length > 0) throw refused('query', free);
  const date = options.date ?? hotspot.responseStartedOn;
  if (!date) {
    throw invalid(
      '/query/date',
      'The response has no start date yet: give `date`, or set the response start on the hotspot.',
    );
  }
  const start = `${date.slice(0, 7)}-01`;
  const thisMonth = `${isoDay(deps.clock()).slice(0, 7)}-01`;
  let months = 0;
  while (months < 12 && addMonths(start, months + 1) <= thisMonth) months++;
  if (months < 1) {
    throw invalid('/query/date', 'No whole month has passed since the response began.');
  }
  const before = { from: addMonths(start, -months), to: addMonths(start, -1) };
  const after = { from: start, to: addMonths(start, months - 1) };
  const size = state.hexSizes[0]!;
  const target = new Set(hexCellsTouching(hotspotBng(hotspot), size).map((c) => `${c.i}:${c.j}`));
  const buffer = new Set<string>();
  for (const id of target) {
    const [i, j] = id.split(':').map(Number) as [number, number];
    for (const [a, b] of adjacent(i, j)) if (!target.has(`${a}:${b}`)) buffer.add(`${a}:${b}`);
  }
  const zoneOf = (cell: string) =>
    target.has(cell) ? 'target' : buffer.has(cell) ? 'buffer' : 'control';
  const noFilters = { category: [], placeType: [], sourceGrade: [], intelligenceGrade: [] };
  const published = async (range: MonthRange) => {
    const cells = await trueCells(deps.db, state.partnershipId, hexLattice(size), range, noFilters);
    // The control is the published rest of the area: other cells holding at least k in the
    // period, so a cell below k (an isolated report) changes nothing shown.
    const zone = (name: string) => {
      const u = unionOf(
        cells.filter((c) => zoneOf(c.cell) === name && (name !== 'control' || c.n >= state.k)),
      );
      return publishedValue(u.n, u.keySum, state.perturbation, state.k);
    };
    return { target: zone('target'), buffer: zone('buffer'), control: zone('control') };
  };
  const [b, a] = await Promise.all([published(before), published(after)]);
  const shown = (n: number | null): DisclosedCount =>
    n === null ? { suppressed: true, fewerThan: state.k } : { count: n };
  const counts = {
    target: { before: shown(b.target), after: shown(a.target) },
    buffer: { before: shown(b.buffer), after: shown(a.buffer) },
    control: { before: shown(b.control), after: shown(a.control) },
  };
  const values = [b.target, a.target, b.buffer, a.buffer, b.control, a.control];
  let result: Record<string, unknown>;
  if (values.some((v) => v === null)) {
    result = {
      computable: false,
      reason: `Some areas have fewer than ${state.k} reports in a period, so the comparison is not shown.`,
    };
  } else {
    const computed = weightedDisplacementQuotient({
      target: { before: b.target!, after: a.target! },
      buffer: { before: b.buffer!, after: a.buffer! },
      control: { before: b.control!, after: a.control! },
    });
    // Rounded as it is shown; it is a function of published values, so it discloses no more.
    result = computed.computable
      ? {
          computable: true,
          wdq: round(computed.wdq, 2),
          totalNetEffect: Math.round(computed.totalNetEffect),
          targetNetEffect: Math.round(computed.targetNetEffect),
          bufferNetEffect: Math.round(computed.bufferNetEffect),
          interpretation: computed.interpretation,
        }
      : computed;
  }
  return {
    parameters: {
      date,
      periodMonths: months,
      before: daysOf(before),
      after: daysOf(after),
      hexagonMeters: size,
    },
    counts,
    result,
    explanation: WDQ_EXPLANATION,
    disclosure: {
      method: 'published table (cell key)',
      suppressionK: state.k,
      perturbationBound: state.perturbation.bound,
      handlingCodeC: 'excluded',
    },
  };
}

function hotspotBng(hotspot: HotspotRow) {
  const area = JSON.parse(hotspot.areaGeoJson) as
    | { type: 'Polygon'; coordinates: number[][][] }
    | { type: 'MultiPolygon'; coordinates: number[][][][] };
  const ring = (r: number[][]) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!));
  return area.type === 'Polygon'
    ? { type: 'Polygon' as const, coordinates: area.coordinates.map(ring) }
    : { type: 'MultiPolygon' as const, coordinates: area.coordinates.map((p) => p.map(ring)) };
}
