import type { HotspotMethod, HotspotStatus, RiskRating } from '@hotspot/contracts';
import { lngLatToBng } from '@hotspot/ingest';
import type { Context } from 'hono';
import { sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { countRecords, publishedHotspotFigures, resolveFilters } from '../analysis/index.ts';
import { audit } from '../audit/index.ts';
import {
  type DisclosedCount,
  monthsEnding,
  receivesRecordLevel,
  toWgs84,
} from '../disclosure/index.ts';
import { loadPartnershipState } from '../partnership/index.ts';
import { selectActions, toActionSummary } from './hotspot-actions.ts';
import { HOTSPOT_TRANSITIONS } from './hotspot-lifecycle.ts';

export interface HotspotRow {
  readonly id: string;
  readonly partnershipId: string;
  readonly name: string;
  /** WGS84 GeoJSON text of the stored (analyst) outline. */
  readonly areaGeoJson: string;
  readonly method: HotspotMethod;
  readonly parameters: Record<string, unknown>;
  readonly periodFrom: string | null;
  readonly periodTo: string | null;
  readonly stats: Record<string, unknown>;
  readonly status: HotspotStatus;
  readonly risk: RiskRating | null;
  readonly reviewOn: string | null;
  readonly objective: string | null;
  readonly scanning: string | null;
  readonly analysis: string | null;
  readonly response: string | null;
  readonly assessment: string | null;
  readonly responseStartedOn: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Open and overdue actions: the caller's agency's only for partners. */
  readonly openActions: number;
  readonly overdueActions: number;
}

export interface HotspotQuery {
  readonly partnershipId: string;
  readonly id?: string;
  /** Partners: only hotspots with an action of this agency, and only its actions counted. */
  readonly agencyId?: string | undefined;
  readonly status?: readonly HotspotStatus[];
  /** Only hotspots whose review date has come (not closed). */
  readonly reviewDue?: boolean;
}

const parseJson = (v: unknown): Record<string, unknown> =>
  (typeof v === 'string' ? JSON.parse(v) : (v ?? {})) as Record<string, unknown>;

export async function selectHotspots(
  deps: Pick<AppDeps, 'db'>,
  q: HotspotQuery,
  today: string,
): Promise<HotspotRow[]> {
  const ownAgency = q.agencyId ? sql`and a.agency_id = ${q.agencyId}` : sql``;
  const result = await sql<{
    id: string;
    partnership_id: string;
    name: string;
    area: string;
    method: HotspotMethod;
    parameters: unknown;
    period_from: string | null;
    period_to: string | null;
    stats: unknown;
    status: HotspotStatus;
    risk: RiskRating | null;
    review_on: string | null;
    objective: string | null;
    scanning: string | null;
    analysis: string | null;
    response: string | null;
    assessment: string | null;
    response_started_on: string | null;
    created_by_name: string;
    created_at: Date | string;
    updated_at: Date | string;
    open_actions: string;
    overdue_actions: string;
  }>`
    select h.id, h.partnership_id, h.name, ST_AsGeoJSON(h.area) as area, h.method, h.parameters,
      h.period_from::text as period_from, h.period_to::text as period_to, h.stats, h.status, h.risk,
      h.review_on::text as review_on, h.objective, h.scanning, h.analysis, h.response, h.assessment,
      h.response_started_on::text as response_started_on, u.display_name as created_by_name,
      h.created_at, h.updated_at,
      (select count(*) from action a where a.hotspot_id = h.id ${ownAgency}
         and a.status in ('assigned', 'acknowledged', 'in_progress'))::text as open_actions,
      (select count(*) from action a where a.hotspot_id = h.id ${ownAgency}
         and a.status in ('assigned', 'acknowledged', 'in_progress') and a.due_on < ${today}::date)::text as overdue_actions
    from hotspot h join app_user u on u.id = h.created_by
    where h.partnership_id = ${q.partnershipId}
      ${q.id ? sql`and h.id = ${q.id}` : sql``}
      ${q.agencyId ? sql`and exists (select 1 from action a where a.hotspot_id = h.id and a.agency_id = ${q.agencyId})` : sql``}
      ${q.status && q.status.length > 0 ? sql`and h.status = any(${[...q.status]}::text[])` : sql``}
      ${q.reviewDue ? sql`and h.status <> 'closed' and h.review_on <= ${today}::date` : sql``}
    order by h.updated_at desc, h.id`.execute(deps.db.kysely);
  return result.rows.map((h) => ({
    id: h.id,
    partnershipId: h.partnership_id,
    name: h.name,
    areaGeoJson: h.area,
    method: h.method,
    parameters: parseJson(h.parameters),
    periodFrom: h.period_from,
    periodTo: h.period_to,
    stats: parseJson(h.stats),
    status: h.status,
    risk: h.risk,
    reviewOn: h.review_on,
    objective: h.objective,
    scanning: h.scanning,
    analysis: h.analysis,
    response: h.response,
    assessment: h.assessment,
    responseStartedOn: h.response_started_on,
    createdBy: h.created_by_name,
    createdAt: new Date(h.created_at).toISOString(),
    updatedAt: new Date(h.updated_at).toISOString(),
    openActions: Number(h.open_actions),
    overdueActions: Number(h.overdue_actions),
  }));
}

export function toHotspotSummary(h: HotspotRow, today: string) {
  return {
    id: h.id,
    name: h.name,
    method: h.method,
    status: h.status,
    risk: h.risk,
    reviewOn: h.reviewOn,
    reviewDue: h.status !== 'closed' && h.reviewOn !== null && h.reviewOn <= today,
    periodFrom: h.periodFrom,
    periodTo: h.periodTo,
    responseStartedOn: h.responseStartedOn,
    openActions: h.openActions,
    overdueActions: h.overdueActions,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
  };
}

/**
 * Refuses access to an object the caller may not know exists: audited as a refusal, answered
 * with the same 404 as an id that does not exist, so probing reveals nothing.
 */
export async function refuseAsNotFound(
  deps: Pick<AppDeps, 'db' | 'clock' | 'auditKeys'>,
  c: Context<AppEnv>,
  objectType: 'hotspot' | 'action',
  objectId: string,
): Promise<never> {
  await audit(deps, c, {
    category: 'refusal',
    action: `${objectType}.other-agency`,
    objectType,
    objectId,
    outcome: 'refused',
  });
  throw notFound(objectType);
}

export function notFound(objectType: 'hotspot' | 'action'): ProblemError {
  return new ProblemError(PROBLEM.notFound, `No such ${objectType}.`);
}

/**
 * The hotspot if the caller may see it: any hotspot of the partnership, except that a partner
 * sees only hotspots their agency has an action on (404 and an audited refusal otherwise).
 */
export async function hotspotForUser(
  deps: AppDeps,
  c: Context<AppEnv>,
  user: SessionUser,
  id: string,
  today: string,
): Promise<HotspotRow> {
  const [row] = await selectHotspots(deps, { partnershipId: user.partnershipId, id }, today);
  if (!row) throw notFound('hotspot');
  if (user.role !== 'partner') return row;
  const [own] = await selectHotspots(
    deps,
    { partnershipId: user.partnershipId, id, agencyId: user.agencyId },
    today,
  );
  if (!own) return refuseAsNotFound(deps, c, 'hotspot', id);
  return own;
}

type Polygonal =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

function toBng(area: Polygonal): Polygonal {
  const ring = (r: number[][]) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!));
  return area.type === 'Polygon'
    ? { type: 'Polygon', coordinates: area.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map(ring)) };
}

/**
 * The hotspot as this user may see it: analysts the outline as drawn and the count of every
 * record; everyone else the union of the finest published lattice's cells the outline touches and
 * the published value of that union (DESIGN.md section 5, version 2), no snapshot.
 */
export async function hotspotDetail(deps: AppDeps, user: SessionUser, row: HotspotRow) {
  const today = isoDay(deps.clock());
  const analyst = receivesRecordLevel(user);
  const state = await loadPartnershipState(deps.db, user.partnershipId);
  const bng = toBng(JSON.parse(row.areaGeoJson) as Polygonal);
  let area: { type: 'Feature'; geometry: unknown; properties: object } | null;
  let reports: DisclosedCount;
  if (analyst) {
    area = { type: 'Feature', geometry: toWgs84(bng), properties: {} };
    const count = await countRecords(deps.db, {
      partnershipId: user.partnershipId,
      filters: resolveFilters(
        {
          from: row.periodFrom ?? undefined,
          to: row.periodTo ?? undefined,
          category: [],
          placeType: [],
          sourceAgency: [],
          sourceGrade: [],
          intelligenceGrade: [],
          handlingCode: [],
        },
        deps.clock(),
      ),
      includeHandlingC: true,
      withinGeoJson: row.areaGeoJson,
    });
    reports = { count };
  } else {
    // From the published table: the finest lattice's cells the area touches, over the whole
    // months that hold the hotspot's period (the 12 months to today when it has none).
    const months = monthsEnding(row.periodTo ?? today);
    const published = row.periodFrom
      ? { ...months, months: { ...months.months, from: `${row.periodFrom.slice(0, 7)}-01` } }
      : months;
    const figures = await publishedHotspotFigures(deps, state, bng, published);
    area = figures.geometry
      ? { type: 'Feature', geometry: toWgs84(figures.geometry), properties: {} }
      : null;
    reports =
      figures.reports === null
        ? { suppressed: true, fewerThan: state.k }
        : { count: figures.reports };
  }
  const history = await deps.db.kysely
    .selectFrom('hotspot_status_change as s')
    .innerJoin('app_user as u', 'u.id', 's.changed_by')
    .select(['s.from_status', 's.to_status', 'u.display_name', 's.changed_at', 's.reason'])
    .where('s.hotspot_id', '=', row.id)
    .orderBy('s.changed_at')
    .orderBy('s.id')
    .execute();
  const actions = await selectActions(
    deps.db,
    {
      partnershipId: user.partnershipId,
      hotspotId: row.id,
      agencyId: user.role === 'partner' ? user.agencyId : undefined,
    },
    today,
  );
  const mayChange = user.role === 'analyst' || user.role === 'chair';
  return {
    ...toHotspotSummary(row, today),
    area,
    reports,
    // Scanning and analysis describe the intelligence; partners and viewers get the objective,
    // the response and its assessment, which is what they act on.
    osara: mayChange
      ? {
          objective: row.objective,
          scanning: row.scanning,
          analysis: row.analysis,
          response: row.response,
          assessment: row.assessment,
        }
      : { objective: row.objective, response: row.response, assessment: row.assessment },
    statusHistory: history.map((h) => ({
      from: h.from_status as HotspotStatus | null,
      to: h.to_status as HotspotStatus,
      by: h.display_name,
      at: new Date(h.changed_at).toISOString(),
      reason: h.reason,
    })),
    allowedTransitions: mayChange ? [...HOTSPOT_TRANSITIONS[row.status]] : [],
    actions: actions.map(toActionSummary),
    createdBy: row.createdBy,
    ...(analyst
      ? { parameters: row.parameters, stats: row.stats }
      : {
          disclosure: {
            method: 'published table (cell key)',
            suppressionK: state.k,
            perturbationBound: state.perturbation.bound,
            // Omitted (as JSON would drop undefined) when the partnership has no hex sizes.
            ...(state.hexSizes[0] === undefined
              ? {}
              : { generalisedToHexMeters: state.hexSizes[0] }),
            handlingCodeC: 'excluded',
          },
        }),
  };
}

export async function oneHotspot(
  deps: AppDeps,
  partnershipId: string,
  id: string,
  today: string,
): Promise<HotspotRow> {
  const [row] = await selectHotspots(deps, { partnershipId, id }, today);
  if (!row) throw notFound('hotspot');
  return row;
}
