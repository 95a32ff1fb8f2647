import { aggregateToHexes, summariseRecords } from '@hotspot/analysis';
import { lngLatToBng } from '@hotspot/ingest';
import { sql } from 'kysely';
import { compute } from '../../compute/pool.ts';
import { toCoordinates, toTimedCoordinates } from '../../compute/tasks.ts';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  type AggregateFeature,
  type AggregateLayer,
  AREA_LATTICE,
  daysOf,
  generaliseToHexUnion,
  hexCellsTouching,
  hexLattice,
  hexPolygon,
  hexUnion,
  publishedValue,
  receivesRecordLevel,
  refused,
  resolvePublishedRequest,
  toWgs84,
  trueBreakdown,
  trueCells,
  unionOf,
} from '../disclosure/index.ts';
import type { PartnershipState } from '../partnership/index.ts';
import { clusterOutline } from './cluster-outline.ts';
import { areaShape, emergingCost, neighbourhoodCost, refuseOverCeiling } from './cost.ts';
import { checkEmergingGrain, SNAP_POINT_NOTE } from './grain.ts';
import { costBasis, type LayerInput, selectionOf } from './layer-builders.ts';
import { type LayerState, studyAreaBng, withAnalysisErrors } from './layer-response.ts';
import { GENERALISE_HEX_METERS } from './parameters.ts';
import {
  countRecords,
  type RecordSelection,
  selectionGrain,
  selectRecords,
} from './record-query.ts';
import type { SummaryRequest } from './summary-request.ts';

// The analyses' reads: the layers DBSCAN, emerging hot spots and repeat locations build from
// the records, and the hotspot panel's area summary (records for analysts, the published
// table for everyone else). The handlers in analysis.routes.ts serve them through the cache.

/**
 * DBSCAN over the selected records, after the cost ceiling. The one place clusters are numbered:
 * the layer, the hotspot panel's cluster summary and a hotspot made from a cluster all call it
 * with the same selection, so a cluster id names the same records in each. Example:
 * `const { records, result } = await clusterRecords(deps, selection, state, { epsMeters: 100, minPoints: 5 })`.
 */
export async function clusterRecords(
  deps: AppDeps,
  selection: RecordSelection,
  state: PartnershipState,
  options: { readonly epsMeters: number; readonly minPoints: number },
) {
  refuseOverCeiling(
    neighbourhoodCost({
      area: areaShape(studyAreaBng(state)),
      points: await countRecords(deps.db, selection),
      radiusMeters: options.epsMeters,
      radiusName: 'epsMeters',
    }),
  );
  const records = await selectRecords(deps.db, selection);
  const result = await withAnalysisErrors(() =>
    compute(deps, {
      kind: 'dbscan',
      points: toCoordinates(records),
      options: { epsMeters: options.epsMeters, minPoints: options.minPoints },
    }),
  );
  return { records, result };
}

/** DBSCAN: analysts get member record ids; chairs get generalised cluster areas of >= k reports. */
export async function dbscanLayer(
  input: LayerInput,
  epsMeters: number,
  minPoints: number,
): Promise<AggregateLayer> {
  const { records, result } = await clusterRecords(input.deps, selectionOf(input), input.state, {
    epsMeters,
    minPoints,
  });
  const analyst = receivesRecordLevel(input.user);
  const features: AggregateFeature[] = result.clusters.map((cluster) => {
    const members = cluster.pointIndices.map((i) => records[i]!);
    const box = clusterOutline(cluster.bbox);
    return {
      geometry: analyst ? box : generaliseToHexUnion(box, GENERALISE_HEX_METERS),
      counts: { reports: cluster.size },
      labels: { clusterId: cluster.id },
      analystOnly: {
        coreCount: cluster.coreCount,
        recordIds: members.map((m) => m.id),
        centroid: [cluster.centroid.x, cluster.centroid.y],
      },
      omitBelowKFor: 'reports',
    };
  });
  return {
    meta: {
      parameters: { epsMeters, minPoints, ...input.filters },
      clusters: result.clusters.length,
    },
    analystMeta: { noiseCount: result.noiseCount, reportsAnalysed: records.length },
    features,
  };
}

export async function emergingLayer(
  input: LayerInput,
  params: { sizeMeters: number; distanceMeters: number | null; slice: 'week' | 'month' },
): Promise<AggregateLayer> {
  const grain = await selectionGrain(input.deps.db, selectionOf(input));
  checkEmergingGrain(input.filters, params.slice, grain.monthDated);
  refuseOverCeiling(emergingCost({ ...(await costBasis(input)), ...params, ...input.filters }));
  const records = await selectRecords(input.deps.db, selectionOf(input));
  const studyArea = studyAreaBng(input.state);
  const result = await withAnalysisErrors(() =>
    compute(input.deps, {
      kind: 'emerging',
      points: toTimedCoordinates(records),
      options: {
        sizeMeters: params.sizeMeters,
        slice: params.slice,
        from: input.filters.from,
        to: input.filters.to,
        ...(params.distanceMeters !== null ? { distanceMeters: params.distanceMeters } : {}),
        ...(studyArea ? { studyArea } : {}),
      },
    }),
  );
  const analyst = receivesRecordLevel(input.user);
  const cells = analyst ? result.cells : result.cells.filter((c) => c.pattern !== 'no_pattern');
  return {
    meta: {
      parameters: { ...params, distanceMeters: result.params.distanceMeters, ...input.filters },
      slices: result.slices.length,
      patterns: result.summary,
    },
    analystMeta: { analysisParams: result.params },
    features: cells.map((cell) => ({
      geometry: hexPolygon(cell.i, cell.j, params.sizeMeters),
      labels: { cell: cell.id, pattern: cell.pattern },
      analystOnly: {
        totalCount: cell.totalCount,
        counts: cell.counts,
        z: cell.z,
        trend: cell.trend,
      },
    })),
  };
}

/** Repeat locations: analysts get places and members; chairs get report counts per hexagon. */
export async function repeatsLayer(
  input: LayerInput,
  radiusMeters: number,
  minReports: number,
): Promise<AggregateLayer> {
  refuseOverCeiling(
    neighbourhoodCost({ ...(await costBasis(input)), radiusMeters, radiusName: 'radiusMeters' }),
  );
  const records = await selectRecords(input.deps.db, selectionOf(input));
  const result = await withAnalysisErrors(() =>
    compute(input.deps, { kind: 'repeats', records, options: { radiusMeters, minReports } }),
  );
  const { snapped } = await selectionGrain(input.deps.db, selectionOf(input));
  const meta = {
    parameters: { radiusMeters, minReports, ...input.filters },
    ...(snapped ? { note: SNAP_POINT_NOTE } : {}),
  };
  if (receivesRecordLevel(input.user)) {
    return {
      meta,
      analystMeta: {
        reportsInPeriod: result.reportsInPeriod,
        reportsAtRepeatLocations: result.reportsAtRepeatLocations,
      },
      features: result.locations.map((loc) => ({
        geometry: { type: 'Point', coordinates: [loc.centre.x, loc.centre.y] },
        counts: { reports: loc.pointIndices.length },
        analystOnly: {
          repeatLocationId: loc.id,
          radiusUsedMeters: loc.radiusUsedMeters,
          recordIds: loc.pointIndices.map((i) => records[i]!.id),
          summary: loc.summary,
        },
      })),
    };
  }
  const atRepeats = result.locations.flatMap((loc) => loc.pointIndices.map((i) => records[i]!));
  const cells = aggregateToHexes(atRepeats, { sizeMeters: 250 });
  return {
    meta: { ...meta, aggregatedToHexMeters: 250 },
    features: cells.map((cell) => ({
      geometry: hexPolygon(cell.i, cell.j, 250),
      counts: { reports: cell.count },
      labels: { cell: cell.id },
    })),
  };
}

/**
 * The hotspot panel's statistics for an area drawn, a district or a DBSCAN cluster, and what the
 * audit keeps of the request (the filters, never the drawn coordinates). Analysts get the
 * records' own figures; everyone else the published values (`publishedSummary`).
 */
export async function areaSummary(
  input: LayerInput,
  state: LayerState,
  body: SummaryRequest,
): Promise<{ query: Record<string, unknown>; body: Record<string, unknown> }> {
  const { deps, user } = input;
  if (!receivesRecordLevel(user)) return publishedSummary(deps, state, body, deps.clock());
  const selection = selectionOf(input);
  let records: Awaited<ReturnType<typeof selectRecords>>;
  let query: Record<string, unknown>;
  if ('area' in body) {
    records = await selectRecords(deps.db, {
      ...selection,
      withinGeoJson: JSON.stringify(body.area),
    });
    query = { ...input.filters, area: 'polygon' };
  } else if ('district' in body) {
    const district = await districtOf(deps, user.partnershipId, body.district);
    records = await selectRecords(deps.db, { ...selection, withinGeoJson: district.geometry });
    query = { ...input.filters, district: body.district };
  } else {
    const { records: all, result } = await clusterRecords(
      deps,
      selection,
      input.state,
      body.cluster,
    );
    const cluster = result.clusters.find((cl) => cl.id === body.cluster.clusterId);
    if (!cluster) throw new ProblemError(PROBLEM.notFound, 'No such cluster for these parameters.');
    records = cluster.pointIndices.map((i) => all[i]!);
    query = { ...input.filters, cluster: body.cluster };
  }
  const summary = summariseRecords(
    records.map((r) => ({
      x: r.x,
      y: r.y,
      t: r.t,
      category: r.category,
      placeType: r.placeType,
      sourceAgency: r.sourceAgency,
    })),
  );
  return { query, body: { ...summary } };
}

/**
 * An area summary for a non-analyst, from the published table alone: the area becomes the union
 * of the finest published lattice's cells it touches (shown back as that outline), and every
 * figure is the published value of a union of those cells (the total, each month, each category,
 * each place type). Breakdowns list only entries with a published value: suppressed and empty
 * entries are left out alike. Source agencies are not published. DBSCAN clusters are analysts'.
 */
async function publishedSummary(
  deps: AppDeps,
  state: LayerState,
  body: SummaryRequest,
  today: Date,
) {
  if ('cluster' in body) {
    throw refused('body', { cluster: 'is for analysts; draw an area instead' });
  }
  const request = resolvePublishedRequest(body, today, 'body');
  if ('district' in body) return publishedDistrictSummary(deps, state, body.district, request);
  const size = state.hexSizes[0]!;
  const ring = (r: number[][]) => r.map(([lng, lat]) => lngLatToBng(lng!, lat!));
  const area = body.area as
    | { type: 'Polygon'; coordinates: number[][][] }
    | { type: 'MultiPolygon'; coordinates: number[][][][] };
  const bng =
    area.type === 'Polygon'
      ? { type: 'Polygon' as const, coordinates: area.coordinates.map(ring) }
      : { type: 'MultiPolygon' as const, coordinates: area.coordinates.map((p) => p.map(ring)) };
  const cells = hexCellsTouching(bng, size);
  const ids = cells.map((c) => `${c.i}:${c.j}`);
  const outline = hexUnion(cells, size);
  return {
    query: { ...request.months, ...request.filters, area: 'polygon', cells: ids.length },
    body: {
      ...(await publishedFigures(deps, state, request, hexLattice(size), ids)),
      area: outline ? toWgs84(outline) : null,
      disclosure: { ...summaryDisclosure(state), generalisedToHexMeters: size },
    },
  };
}

function summaryDisclosure(state: LayerState) {
  return {
    method: 'published table (cell key)',
    suppressionK: state.k,
    perturbationBound: state.perturbation.bound,
    handlingCodeC: 'excluded',
  };
}

/**
 * The figures of a summary from the published table: the total, each month, each category and
 * each place type are published values of the union of `cells` of one lattice; breakdowns list
 * only published entries.
 */
async function publishedFigures(
  deps: AppDeps,
  state: LayerState,
  request: ReturnType<typeof resolvePublishedRequest>,
  lattice: string,
  cells: readonly string[],
) {
  const value = (u: { n: number; keySum: string }) =>
    publishedValue(u.n, u.keySum, state.perturbation, state.k);
  const breakdown = async (by: 'month' | 'category' | 'place_type') =>
    (
      await trueBreakdown(
        deps.db,
        state.partnershipId,
        lattice,
        request.months,
        request.filters,
        cells,
        by,
      )
    )
      .map((e) => ({ value: e.value, published: value(e) }))
      .filter((e): e is { value: string; published: number } => e.published !== null)
      .map((e) => ({ value: e.value, count: e.published }));
  const top = (entries: { value: string; count: number }[]) =>
    [...entries].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const total = value(
    unionOf(
      await trueCells(deps.db, state.partnershipId, lattice, request.months, request.filters, [
        ...cells,
      ]),
    ),
  );
  return {
    reports: total === null ? { suppressed: true, fewerThan: state.k } : { count: total },
    period: daysOf(request.months),
    countsByMonth: await breakdown('month'),
    topCategories: top(await breakdown('category')),
    topPlaceTypes: top(await breakdown('place_type')),
  };
}

/** A district of the partnership (its published boundary), or 404. */
async function districtOf(deps: AppDeps, partnershipId: string, code: string) {
  const row = await sql<{ code: string; name: string; geometry: string }>`
    select code, name, ST_AsGeoJSON(geom) as geometry from boundary
    where partnership_id = ${partnershipId} and kind = 'district' and code = ${code}`.execute(
    deps.db.kysely,
  );
  const district = row.rows[0];
  if (!district) throw new ProblemError(PROBLEM.notFound, 'No such district.');
  return district;
}

/**
 * A district's summary for a non-analyst: the district is a published geography (its own rows
 * of the published table, migration 0012), so every figure is a published value of that one
 * cell, and the outline is the district's public boundary.
 */
async function publishedDistrictSummary(
  deps: AppDeps,
  state: LayerState,
  code: string,
  request: ReturnType<typeof resolvePublishedRequest>,
) {
  const district = await districtOf(deps, state.partnershipId, code);
  return {
    query: { ...request.months, ...request.filters, district: code },
    body: {
      ...(await publishedFigures(deps, state, request, AREA_LATTICE, [code])),
      area: JSON.parse(district.geometry) as unknown,
      district: { code: district.code, name: district.name },
      disclosure: { ...summaryDisclosure(state), publishedGeography: 'district' },
    },
  };
}
