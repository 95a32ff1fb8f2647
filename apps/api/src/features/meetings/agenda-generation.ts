import { hexRing } from '@hotspot/analysis';
import type { AgendaKind } from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import { lngLatToBng } from '@hotspot/ingest';
import { booleanIntersects, polygon as turfPolygon } from '@turf/turf';
import { type Kysely, sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps } from '../../deps.ts';
import { ProblemError } from '../../http/problem.ts';
import { publishedEmerging } from '../analysis/index.ts';
import { monthsEnding } from '../disclosure/index.ts';
import { loadPartnershipState } from '../partnership/index.ts';
import { day } from './human-dates.ts';

/**
 * What each generated kind of item means. Served with the agenda so the chair can see why an
 * item is (or is not) there; the test "an agenda from a crafted history" holds us to it.
 * "The period" runs from the previous meeting's start (exclusive; from the beginning when there
 * is none) to this meeting's start (inclusive); "the meeting date" is its UTC calendar day.
 */
export const AGENDA_RULES: Readonly<Record<Exclude<AgendaKind, 'custom'>, string>> = {
  'new-hotspot':
    'Hotspots created in the period, and any hotspot still proposed (awaiting confirmation); closed ones excluded.',
  'emerging-hotspot':
    'Emerging hot spot analysis on the published table (monthly Gi* and Mann-Kendall on the finest published hexagons’ published values over the 12 whole months to the meeting’s month): hexagons whose pattern is new or intensifying and which touch no open hotspot, as one item.',
  'review-due':
    'Open hotspots (not closed) whose review date is on or before the meeting date, unless already listed as new.',
  'overdue-action': 'Actions not completed or declined whose due date is before the meeting date.',
  'awaiting-acknowledgement':
    'Actions assigned but not yet acknowledged, and not overdue (overdue ones are listed as overdue).',
  'completed-action': 'Actions completed in the period, with their outcomes.',
};

export interface AgendaCandidate {
  readonly kind: Exclude<AgendaKind, 'custom'>;
  readonly hotspotId: string | null;
  readonly actionId: string | null;
  readonly title: string;
}

export interface AgendaPeriod {
  /** The previous meeting's start, or null when this is the partnership's first meeting. */
  readonly since: Date | null;
  readonly until: Date;
}

type Executor = Kysely<Database>;

/** The period an agenda covers: from the previous meeting (by start time) to this one. */
export async function agendaPeriod(
  db: Executor,
  meeting: { id: string; partnershipId: string; startsAt: Date },
): Promise<AgendaPeriod> {
  const previous = await db
    .selectFrom('meeting')
    .select('starts_at')
    .where('partnership_id', '=', meeting.partnershipId)
    .where('id', '<>', meeting.id)
    .where('starts_at', '<', meeting.startsAt)
    .orderBy('starts_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { since: previous ? new Date(previous.starts_at) : null, until: meeting.startsAt };
}

const EMERGING_PATTERNS = new Set(['new_hot_spot', 'intensifying_hot_spot']);

/**
 * The agenda the data calls for, in the order the meeting takes it: new and emerging hotspots,
 * reviews, overdue actions, actions awaiting acknowledgement, completed actions. Within a kind,
 * oldest first. A hotspot appears once among the hotspot kinds and an action once among the
 * action kinds.
 */
export async function agendaCandidates(
  executor: Executor,
  partnershipId: string,
  period: AgendaPeriod,
  /** From `emergingCellsOutsideHotspots`, computed before any transaction is opened. */
  emerging: number,
): Promise<AgendaCandidate[]> {
  const until = period.until;
  const meetingDay = isoDay(until);
  const sinceCondition = (column: string) =>
    period.since ? sql`and ${sql.ref(column)} > ${period.since}` : sql``;

  const newHotspots = await sql<{ id: string; name: string; status: string }>`
    select id, name, status from hotspot
    where partnership_id = ${partnershipId} and status <> 'closed' and created_at <= ${until}
      and (status = 'proposed' ${period.since ? sql`or created_at > ${period.since}` : sql`or true`})
    order by created_at, id`.execute(executor);
  const listedHotspots = new Set(newHotspots.rows.map((h) => h.id));

  const reviewDue = await sql<{ id: string; name: string; review_on: string }>`
    select id, name, review_on::text as review_on from hotspot
    where partnership_id = ${partnershipId} and status <> 'closed'
      and review_on is not null and review_on <= ${meetingDay}::date and created_at <= ${until}
    order by review_on, created_at, id`.execute(executor);

  const actionColumns = sql`a.id, a.title, a.hotspot_id, h.name as hotspot_name, g.code as agency_code, a.due_on::text as due_on`;
  type ActionCandidateRow = {
    id: string;
    title: string;
    hotspot_id: string;
    hotspot_name: string;
    agency_code: string;
    due_on: string;
  };
  const overdue = await sql<ActionCandidateRow>`
    select ${actionColumns} from action a join hotspot h on h.id = a.hotspot_id join agency g on g.id = a.agency_id
    where a.partnership_id = ${partnershipId} and a.created_at <= ${until}
      and a.status in ('assigned', 'acknowledged', 'in_progress') and a.due_on < ${meetingDay}::date
    order by a.due_on, a.created_at, a.id`.execute(executor);
  const awaiting = await sql<ActionCandidateRow>`
    select ${actionColumns} from action a join hotspot h on h.id = a.hotspot_id join agency g on g.id = a.agency_id
    where a.partnership_id = ${partnershipId} and a.created_at <= ${until}
      and a.status = 'assigned' and a.due_on >= ${meetingDay}::date
    order by a.created_at, a.id`.execute(executor);
  const completed = await sql<ActionCandidateRow>`
    select ${actionColumns} from action a join hotspot h on h.id = a.hotspot_id join agency g on g.id = a.agency_id
    where a.partnership_id = ${partnershipId} and a.status = 'completed'
      and a.completed_at <= ${until} ${sinceCondition('a.completed_at')}
    order by a.completed_at, a.id`.execute(executor);

  const actionTitle = (a: ActionCandidateRow) => `${a.title} (${a.agency_code}, ${a.hotspot_name})`;
  return [
    ...newHotspots.rows.map((h) => ({
      kind: 'new-hotspot' as const,
      hotspotId: h.id,
      actionId: null,
      title:
        h.status === 'proposed' ? `New hotspot to confirm: ${h.name}` : `New hotspot: ${h.name}`,
    })),
    ...(emerging > 0
      ? [
          {
            kind: 'emerging-hotspot' as const,
            hotspotId: null,
            actionId: null,
            title: `Emerging pattern: ${emerging} ${emerging === 1 ? 'area' : 'areas'} new or intensifying outside any hotspot`,
          },
        ]
      : []),
    ...reviewDue.rows
      .filter((h) => !listedHotspots.has(h.id))
      .map((h) => ({
        kind: 'review-due' as const,
        hotspotId: h.id,
        actionId: null,
        title: `Review due ${day(h.review_on)}: ${h.name}`,
      })),
    ...overdue.rows.map((a) => ({
      kind: 'overdue-action' as const,
      hotspotId: a.hotspot_id,
      actionId: a.id,
      title: `Overdue since ${day(a.due_on)}: ${actionTitle(a)}`,
    })),
    ...awaiting.rows.map((a) => ({
      kind: 'awaiting-acknowledgement' as const,
      hotspotId: a.hotspot_id,
      actionId: a.id,
      title: `Awaiting acknowledgement: ${actionTitle(a)}`,
    })),
    ...completed.rows.map((a) => ({
      kind: 'completed-action' as const,
      hotspotId: a.hotspot_id,
      actionId: a.id,
      title: `Completed: ${actionTitle(a)}`,
    })),
  ];
}

/**
 * (Runs on `deps.db` outside transactions: on PGlite a query beside an open transaction waits
 * for it.) How many hexagons the emerging hot spot analysis on the published table (the finest
 * published lattice's monthly published values over the 12 months to the meeting, as meeting
 * mode draws them for every presenter) calls new or intensifying that touch no open hotspot:
 * places the partnership has not yet named. A function of the published table alone, since every
 * role reads the agenda; 0 when the analysis refuses (too few published cells, over its cost
 * ceiling), which is not an agenda matter.
 */
export async function emergingCellsOutsideHotspots(
  deps: Pick<AppDeps, 'db' | 'clock' | 'env'>,
  partnershipId: string,
  meetingDay: string,
): Promise<number> {
  const state = await loadPartnershipState(deps.db, partnershipId);
  const sizeMeters = state.hexSizes[0]!;
  let cells: readonly { i: number; j: number; pattern: string }[];
  try {
    cells = (await publishedEmerging(deps.db, state, sizeMeters, monthsEnding(meetingDay))).cells;
  } catch (error) {
    if (error instanceof ProblemError) return 0;
    throw error;
  }
  const emerging = cells.filter((c) => EMERGING_PATTERNS.has(c.pattern));
  if (emerging.length === 0) return 0;
  const hotspots = await sql<{ area: string }>`
    select ST_AsGeoJSON(area) as area from hotspot where partnership_id = ${partnershipId} and status <> 'closed'`.execute(
    deps.db.kysely,
  );
  const areas = hotspots.rows.map((h) => {
    const wgs = JSON.parse(h.area) as { type: 'MultiPolygon'; coordinates: number[][][][] };
    return {
      type: 'MultiPolygon' as const,
      coordinates: wgs.coordinates.map((p) =>
        p.map((r) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!))),
      ),
    };
  });
  return emerging.filter((cell) => {
    const hex = turfPolygon([hexRing(cell.i, cell.j, sizeMeters)]);
    return !areas.some((area) => booleanIntersects(hex, area));
  }).length;
}
