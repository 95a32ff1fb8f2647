// Over 400 lines because the four map layers' builders (hexagons, density, hotspots, points) share
// the selection, cost and parameter helpers at its top; apart, each would import them back.
import { aggregateToHexes, EXPLANATIONS } from '@hotspot/analysis';
import { lngLatToBng } from '@hotspot/ingest';
import { sql } from 'kysely';
import { compute } from '../../compute/pool.ts';
import { toCoordinates } from '../../compute/tasks.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import type { PublishedRequest } from '../disclosure/index.ts';
import {
  type AggregateFeature,
  type AggregateLayer,
  generaliseToHexUnion,
  hexCellsTouching,
  hexLattice,
  hexPolygon,
  hexUnion,
  type LabelValue,
  publishedValue,
  receivesRecordLevel,
  trueCells,
  unionOf,
} from '../disclosure/index.ts';
import type { PartnershipState } from '../partnership/index.ts';
import { areaShape, densityCost, gistarCost, refuseOverCeiling } from './cost.ts';
import { studyAreaBng, withAnalysisErrors } from './layer-response.ts';
import {
  defaultDistanceMeters,
  GENERALISE_HEX_METERS,
  MIN_PUBLIC_HEX_METERS,
  resolveParam,
} from './parameters.ts';
import {
  countRecords,
  type RecordFilters,
  type RecordSelection,
  selectRecordGridClusters,
  selectRecordPoints,
  selectRecords,
} from './record-query.ts';

type Polygonal =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

export interface LayerInput {
  readonly deps: AppDeps;
  readonly user: SessionUser;
  readonly state: PartnershipState;
  readonly filters: RecordFilters;
}

/** The records a layer input selects: its partnership and filters, C records for analysts only. */
export function selectionOf(input: LayerInput): RecordSelection {
  return {
    partnershipId: input.user.partnershipId,
    filters: input.filters,
    // Rule 4: C records are removed in SQL for everyone but analysts.
    includeHandlingC: receivesRecordLevel(input.user),
  };
}

/** What a cost estimate starts from: the partnership's area and a count of the selected reports. */
export async function costBasis(input: LayerInput) {
  return {
    area: areaShape(studyAreaBng(input.state)),
    points: await countRecords(input.deps.db, selectionOf(input)),
  };
}

// ----- hexagons -----

export interface HexagonParams {
  readonly sizeMeters?: number | undefined;
  readonly statistic: 'count' | 'gistar';
  readonly distanceMeters?: number | undefined;
  readonly fdr: boolean;
}

export function resolveHexagonParams(input: LayerInput, raw: HexagonParams) {
  const sizeMeters = resolveParam('sizeMeters', raw.sizeMeters, input.state.analysisDefaults)!;
  if (!receivesRecordLevel(input.user) && sizeMeters < MIN_PUBLIC_HEX_METERS) {
    throw new ProblemError(PROBLEM.validation, 'The hexagons are too small for your role.', {
      errors: [
        { pointer: '/query/sizeMeters', detail: `must be at least ${MIN_PUBLIC_HEX_METERS}` },
      ],
    });
  }
  const distanceMeters =
    resolveParam('distanceMeters', raw.distanceMeters, input.state.analysisDefaults) ??
    defaultDistanceMeters(sizeMeters);
  return { sizeMeters, statistic: raw.statistic, distanceMeters, fdr: raw.fdr };
}

export async function buildHexagonLayer(
  input: LayerInput,
  params: ReturnType<typeof resolveHexagonParams>,
): Promise<AggregateLayer> {
  if (params.statistic === 'gistar') {
    refuseOverCeiling(gistarCost({ ...(await costBasis(input)), ...params }));
  }
  // Counting in cells needs the locations only (order does not change a count).
  const records = await selectRecordPoints(input.deps.db, selectionOf(input));
  const { sizeMeters } = params;
  if (params.statistic === 'count') {
    const cells = aggregateToHexes(records, { sizeMeters });
    return {
      meta: {
        layer: 'hexagons',
        parameters: { ...params, distanceMeters: null, ...input.filters },
        explanation: EXPLANATIONS.hexCounts,
      },
      metaCounts: {},
      analystMeta: { totalRecords: records.length },
      features: cells.map((cell) => ({
        geometry: hexPolygon(cell.i, cell.j, sizeMeters),
        counts: { count: cell.count },
        labels: { cell: cell.id },
      })),
    };
  }
  const studyArea = studyAreaBng(input.state);
  const result = await withAnalysisErrors(() =>
    compute(input.deps, {
      kind: 'gistar',
      points: toCoordinates(records),
      options: {
        sizeMeters,
        ...(studyArea ? { studyArea } : {}),
        ...(params.distanceMeters !== null ? { distanceMeters: params.distanceMeters } : {}),
        fdr: params.fdr,
      },
    }),
  );
  const analyst = receivesRecordLevel(input.user);
  // Non-analysts get the significant cells and their bins only: z and p of every cell would let
  // the counts be solved back from the neighbourhood sums.
  const cells = analyst ? result.cells : result.cells.filter((c) => c.bin !== 0);
  return {
    meta: {
      layer: 'hexagons',
      parameters: { ...params, distanceMeters: result.params.distanceMeters, ...input.filters },
      explanation: EXPLANATIONS.gistar,
    },
    analystMeta: { summary: result.summary, analysisParams: result.params },
    features: cells.map((cell) => ({
      geometry: hexPolygon(cell.i, cell.j, sizeMeters),
      labels: { cell: cell.id, bin: cell.bin },
      analystOnly: { count: cell.count, z: cell.z, p: cell.p, neighbourCount: cell.neighbourCount },
    })),
  };
}

// ----- density -----

export interface DensityParams {
  readonly bandwidthMeters?: number | undefined;
  readonly cellSizeMeters?: number | undefined;
}

export function resolveDensityParams(input: LayerInput, raw: DensityParams) {
  return {
    bandwidthMeters: resolveParam(
      'bandwidthMeters',
      raw.bandwidthMeters,
      input.state.analysisDefaults,
    ),
    cellSizeMeters: resolveParam(
      'cellSizeMeters',
      raw.cellSizeMeters,
      input.state.analysisDefaults,
    ),
  };
}

export { supportedPoints } from '../../compute/tasks.ts';

export async function buildDensityLayer(
  input: LayerInput,
  params: ReturnType<typeof resolveDensityParams>,
): Promise<AggregateLayer> {
  const analyst = receivesRecordLevel(input.user);
  refuseOverCeiling(densityCost({ ...(await costBasis(input)), ...params, supportTest: !analyst }));
  const records = await selectRecordPoints(input.deps.db, selectionOf(input));
  // Default bandwidth, the support test (non-analysts) and the surface, in a worker.
  const { bandwidthMeters, pointsUsed, result } = await withAnalysisErrors(() =>
    compute(input.deps, {
      kind: 'density',
      task: {
        points: toCoordinates(records),
        bandwidthMeters: params.bandwidthMeters,
        cellSizeMeters: params.cellSizeMeters,
        supportK: analyst ? null : input.state.k,
      },
    }),
  );
  const meta = {
    layer: 'density',
    parameters: { bandwidthMeters, cellSizeMeters: params.cellSizeMeters, ...input.filters },
    explanation: EXPLANATIONS.density,
  };
  if (result === null) return { meta, features: [] };
  return {
    meta: {
      ...meta,
      parameters: { ...meta.parameters, cellSizeMeters: result.params.cellSizeMeters },
      unit: 'reports per km²',
    },
    analystMeta: { analysisParams: result.params, pointsUsed },
    features: result.bands.features.map((band) => ({
      geometry: band.geometry,
      labels: {
        band: band.properties.band,
        lower: round3(band.properties.lower),
        upper: round3(band.properties.upper),
        quantile: band.properties.quantile,
        fill: band.properties.fill,
      },
    })),
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// ----- hotspots -----

export interface HotspotParams {
  readonly status: readonly string[];
}

/**
 * Hotspots for a published reader: outlines are unions of the finest published lattice's cells
 * the hotspot touches, and the report count is the published value of that union.
 */
export async function publishedHotspotFigures(
  deps: Pick<AppDeps, 'db'>,
  state: PartnershipState,
  areaBng: Polygonal,
  request: PublishedRequest,
): Promise<{ geometry: Polygonal | null; reports: number | null }> {
  const size = state.hexSizes[0]!;
  const cells = hexCellsTouching(areaBng, size);
  const truth = await trueCells(
    deps.db,
    state.partnershipId,
    hexLattice(size),
    request.months,
    request.filters,
    cells.map((c) => `${c.i}:${c.j}`),
  );
  const union = unionOf(truth);
  return {
    geometry: hexUnion(cells, size),
    reports: publishedValue(union.n, union.keySum, state.perturbation, state.k),
  };
}

export async function buildHotspotLayer(
  input: LayerInput,
  params: HotspotParams,
  published?: PublishedRequest,
): Promise<AggregateLayer> {
  const { user } = input;
  // Partners see their own agency's actions only, counts included: how many other agencies are
  // tasked at a place is not theirs to know (DESIGN.md section 5).
  const partnerOnly = user.role === 'partner';
  const rows = await sql<{
    id: string;
    name: string;
    area: string;
    method: string;
    status: string;
    risk: string | null;
    review_on: string | null;
    period_from: string | null;
    period_to: string | null;
    parameters: unknown;
    stats: unknown;
    objective: string | null;
    own_actions: string;
    open_actions: string;
  }>`
    select h.id, h.name, ST_AsGeoJSON(h.area) as area, h.method, h.status, h.risk,
      h.review_on::text as review_on, h.period_from::text as period_from, h.period_to::text as period_to,
      h.parameters, h.stats, h.objective,
      (select count(*) from action a where a.hotspot_id = h.id and a.agency_id = ${user.agencyId})::text as own_actions,
      (select count(*) from action a where a.hotspot_id = h.id and a.status not in ('completed', 'declined')
         ${partnerOnly ? sql`and a.agency_id = ${user.agencyId}` : sql``})::text as open_actions
    from hotspot h
    where h.partnership_id = ${user.partnershipId}
      ${params.status.length > 0 ? sql`and h.status = any(${[...params.status]}::text[])` : sql``}
      ${partnerOnly ? sql`and exists (select 1 from action a where a.hotspot_id = h.id and a.agency_id = ${user.agencyId})` : sql``}
    order by h.created_at, h.id`.execute(input.deps.db.kysely);
  const analyst = receivesRecordLevel(user);
  const features: AggregateFeature[] = [];
  for (const h of rows.rows) {
    const wgs = JSON.parse(h.area) as Polygonal;
    const ring = (r: number[][]) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!));
    const bng: Polygonal =
      wgs.type === 'Polygon'
        ? { type: 'Polygon', coordinates: wgs.coordinates.map(ring) }
        : { type: 'MultiPolygon', coordinates: wgs.coordinates.map((p) => p.map(ring)) };
    const figures = published
      ? await publishedHotspotFigures(input.deps, input.state, bng, published)
      : null;
    const reports = figures
      ? 0
      : await countRecords(input.deps.db, { ...selectionOf(input), withinGeoJson: h.area });
    const labels: Record<string, LabelValue> = {
      hotspotId: h.id,
      name: h.name,
      method: h.method,
      status: h.status,
      risk: h.risk,
      reviewOn: h.review_on,
      periodFrom: h.period_from,
      periodTo: h.period_to,
      openActions: Number(h.open_actions),
      ...(partnerOnly ? { ownAgencyActions: Number(h.own_actions) } : {}),
    };
    if (figures) {
      features.push({
        geometry: figures.geometry,
        publishedCounts: { reports: figures.reports },
        labels,
      });
      continue;
    }
    features.push({
      // Non-analysts never see the drawn or computed outline: a union of public grid hexagons.
      geometry: analyst ? bng : generaliseToHexUnion(bng, GENERALISE_HEX_METERS),
      counts: { reports },
      labels,
      analystOnly: {
        parameters: h.parameters,
        stats: h.stats,
        objective: h.objective,
      },
    });
  }
  if (published) {
    return {
      published: true,
      meta: {
        layer: 'hotspots',
        parameters: { status: params.status, ...published.months, ...published.filters },
        generalisedToHexMeters: input.state.hexSizes[0],
      },
      features,
    };
  }
  return {
    meta: {
      layer: 'hotspots',
      parameters: { status: params.status, ...input.filters },
      generalisedToHexMeters: analyst ? null : GENERALISE_HEX_METERS,
    },
    features,
  };
}

// ----- points (analysts only) -----

export interface PointParams {
  readonly bbox?: readonly [number, number, number, number] | undefined;
  readonly zoom: number;
}

/** From this zoom in, records are sent one by one; further out they are clustered on a grid. */
export const INDIVIDUAL_POINTS_ZOOM = 15;
const MAX_INDIVIDUAL_POINTS = 5000;

/** Grid cell for server-side clustering: about 60 screen pixels at the zoom (web mercator, 52°N). */
export function clusterCellMeters(zoom: number): number {
  return (156_543 * Math.cos((52.4 * Math.PI) / 180) * 60) / 2 ** zoom;
}

export async function buildPointLayer(
  input: LayerInput,
  params: PointParams,
): Promise<AggregateLayer> {
  if (!receivesRecordLevel(input.user)) {
    throw new ProblemError(PROBLEM.forbidden, 'Record-level points are for analysts only.');
  }
  const sel = { ...selectionOf(input), ...(params.bbox ? { bbox: params.bbox } : {}) };
  const meta = {
    layer: 'points',
    parameters: { bbox: params.bbox ?? null, zoom: params.zoom, ...input.filters },
  };
  const total = params.zoom >= INDIVIDUAL_POINTS_ZOOM ? 0 : await countRecords(input.deps.db, sel);
  if (params.zoom >= INDIVIDUAL_POINTS_ZOOM || total <= MAX_INDIVIDUAL_POINTS) {
    const records = await selectRecords(input.deps.db, sel);
    return {
      meta: { ...meta, clustered: false },
      features: records.map((r) => ({
        geometry: { type: 'Point', coordinates: [r.x, r.y] },
        analystOnly: {
          recordId: r.id,
          reportedOn: r.t,
          category: r.category,
          placeType: r.placeType,
          sourceAgency: r.sourceAgency,
          handlingCode: r.handlingCode,
        },
      })),
    };
  }
  const cellMeters = clusterCellMeters(params.zoom);
  const clusters = await selectRecordGridClusters(input.deps.db, sel, cellMeters);
  return {
    meta: { ...meta, clustered: true, clusterCellMeters: Math.round(cellMeters) },
    features: clusters.map((cl) => ({
      geometry: { type: 'Point', coordinates: [cl.x, cl.y] },
      analystOnly: { cluster: cl.count > 1, pointCount: cl.count },
    })),
  };
}
