import { type BeforeAfter, WDQ_EXPLANATION, weightedDisplacementQuotient } from '@hotspot/analysis';
import { sql } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { isoDay } from '../actions/action-queries.ts';
import {
  type DisclosedCount,
  discloseCount,
  receivesRecordLevel,
} from '../disclosure/disclosure.ts';
import type { HotspotRow } from './hotspot-queries.ts';

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
 * A report on a boundary counts once: target first, then buffer, then control.
 */
export async function evaluateHotspot(
  deps: AppDeps,
  user: SessionUser,
  hotspot: HotspotRow,
  k: number,
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
  if (analyst) {
    return {
      parameters,
      counts: mapCounts(counts, (n) => ({ count: n })),
      result: computed,
      explanation: WDQ_EXPLANATION,
    };
  }
  // Non-analysts: counts disclosed (suppressed below k, rounded), and the quotient only when no
  // count is below k, rounded, so it cannot be used to solve back a suppressed number.
  const smallest = Math.min(...Object.values(counts).flatMap((c) => [c.before, c.after]));
  const disclosedResult =
    smallest < k
      ? {
          computable: false as const,
          reason: `Some areas have fewer than ${k} reports in a period, so the comparison is not shown.`,
        }
      : computed.computable
        ? {
            computable: true as const,
            wdq: round(computed.wdq, 2),
            totalNetEffect: Math.round(computed.totalNetEffect),
            targetNetEffect: Math.round(computed.targetNetEffect),
            bufferNetEffect: Math.round(computed.bufferNetEffect),
            interpretation: computed.interpretation,
          }
        : computed;
  return {
    parameters,
    counts: mapCounts(counts, (n) => discloseCount(n, k)),
    result: disclosedResult,
    explanation: WDQ_EXPLANATION,
    disclosure: { suppressionK: k, handlingCodeC: 'excluded' },
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
