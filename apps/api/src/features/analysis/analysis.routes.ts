import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { aggregateToHexes, EXPLANATIONS, summariseRecords } from '@hotspot/analysis';
import { LayerSchema } from '@hotspot/contracts';
import { lngLatToBng } from '@hotspot/ingest';
import type { Context } from 'hono';
import { sql } from 'kysely';
import { compute } from '../../compute/pool.ts';
import { analysisRateLimit } from '../../compute/rate-limit.ts';
import { toCoordinates, toTimedCoordinates } from '../../compute/tasks.ts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
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
  publishedContext,
  publishedSize,
  publishedValue,
  receivesRecordLevel,
  refused,
  renderLayer,
  resolvePublishedRequest,
  toWgs84,
  trueBreakdown,
  trueCells,
  unionOf,
} from '../disclosure/index.ts';
import { clusterOutline } from './cluster-outline.ts';
import { emergingCost, neighbourhoodCost, refuseOverCeiling } from './cost.ts';
import { checkEmergingGrain, SNAP_POINT_NOTE } from './grain.ts';
import {
  buildDensityLayer,
  buildHexagonLayer,
  costBasis,
  type LayerInput,
  resolveDensityParams,
  resolveHexagonParams,
} from './layer-builders.ts';
import {
  disclosureContext,
  type LayerState,
  loadLayerState,
  readCategory,
  renderLayerInSlices,
  serveCached,
  studyAreaBng,
  withAnalysisErrors,
} from './layer-response.ts';
import { GENERALISE_HEX_METERS, numberParam, resolveParam } from './parameters.ts';
import { publishedEmerging, publishedEmergingLayer } from './published-emerging.ts';
import {
  RecordFilterShape,
  resolveFilters,
  selectionGrain,
  selectRecords,
} from './record-query.ts';

const fdrParam = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');

const DbscanQuery = z.object({
  ...RecordFilterShape,
  epsMeters: numberParam('epsMeters'),
  minPoints: numberParam('minPoints'),
});
const GistarQuery = z.object({
  ...RecordFilterShape,
  sizeMeters: numberParam('sizeMeters'),
  distanceMeters: numberParam('distanceMeters'),
  fdr: fdrParam,
});
const DensityQuery = z.object({
  ...RecordFilterShape,
  bandwidthMeters: numberParam('bandwidthMeters'),
  cellSizeMeters: numberParam('cellSizeMeters'),
});
const EmergingQuery = z.object({
  ...RecordFilterShape,
  sizeMeters: numberParam('sizeMeters'),
  distanceMeters: numberParam('distanceMeters'),
  slice: z.enum(['week', 'month']).default('month'),
  // The meeting screen is seen by every attendee: an analyst's `audience=meeting` request is
  // answered from the published table, as a viewer's is (and as the agenda counts).
  audience: z
    .enum(['own', 'meeting'])
    .default('own')
    .openapi({ description: "'meeting': the published analysis the meeting screen shows" }),
});
const RepeatsQuery = z.object({
  ...RecordFilterShape,
  radiusMeters: numberParam('radiusMeters'),
  minReports: numberParam('minReports'),
});

const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z
    .array(
      z
        .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
        .min(4)
        .max(5000),
    )
    .min(1)
    .max(50),
});
const FilterBodyShape = {
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  category: z
    .array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/))
    .max(50)
    .default([]),
  placeType: z
    .array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/))
    .max(50)
    .default([]),
  sourceAgency: z
    .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/))
    .max(50)
    .default([]),
  sourceGrade: z
    .array(z.enum(['1', '2', '3']))
    .max(3)
    .default([]),
  intelligenceGrade: z
    .array(z.enum(['A', 'B', 'C', 'D', 'E']))
    .max(5)
    .default([]),
  handlingCode: z
    .array(z.enum(['P', 'C']))
    .max(2)
    .default([]),
};
const SummaryBody = z.union([
  z.strictObject({ ...FilterBodyShape, area: PolygonSchema }),
  z.strictObject({
    ...FilterBodyShape,
    district: z
      .string()
      .min(1)
      .max(40)
      .openapi({ description: 'A district of the partnership, by its code (GET /api/boundaries)' }),
  }),
  z.strictObject({
    ...FilterBodyShape,
    cluster: z.strictObject({
      epsMeters: z.number().min(1).max(5000),
      minPoints: z.number().int().min(2).max(1000),
      clusterId: z.number().int().min(0),
    }),
  }),
]);

const analysisResponses = {
  200: {
    description:
      'GeoJSON (WGS84) with `method`, `parameters` (defaults filled in) and `explanation`; aggregate only for chairs',
    content: { 'application/geo+json': { schema: LayerSchema } },
  },
  304: { description: 'Not modified' },
  ...problemResponses(401, 403, 422, 429, 503),
};

const route = (path: string, summary: string, query: z.ZodObject) =>
  createRoute({ method: 'get', path, summary, request: { query }, responses: analysisResponses });

const dbscanRoute = route('/api/analysis/dbscan', 'DBSCAN clusters', DbscanQuery);
const gistarRoute = route(
  '/api/analysis/gistar',
  'Getis-Ord Gi* hot spots on hexagons',
  GistarQuery,
);
const densityRoute = route('/api/analysis/density', 'Kernel density contour bands', DensityQuery);
const emergingRoute = route(
  '/api/analysis/emerging',
  'Emerging hot spots (space-time Gi*, Mann-Kendall)',
  EmergingQuery,
);
const repeatsRoute = route('/api/analysis/repeats', 'Repeat locations', RepeatsQuery);
const summaryRoute = createRoute({
  method: 'post',
  path: '/api/analysis/summary',
  summary:
    'Hotspot-panel statistics for an area, a district or a DBSCAN cluster (published values for non-analysts)',
  request: { body: { content: { 'application/json': { schema: SummaryBody } }, required: true } },
  responses: {
    200: {
      description: 'Summary',
      content: { 'application/json': { schema: z.object({}).passthrough() } },
    },
    ...problemResponses(401, 403, 404, 422, 429, 503),
  },
});

type Filters = Parameters<typeof resolveFilters>[0];

async function prepare(deps: AppDeps, c: Context<AppEnv>, raw: Filters) {
  const user = currentUser(c);
  const state = await loadLayerState(deps.db, user.partnershipId);
  const input: LayerInput = { deps, user, state, filters: resolveFilters(raw, deps.clock()) };
  return { user, state, input };
}

function selectionOf(input: LayerInput) {
  return {
    partnershipId: input.user.partnershipId,
    filters: input.filters,
    includeHandlingC: receivesRecordLevel(input.user),
  };
}

async function serveAnalysis(
  deps: AppDeps,
  c: Context<AppEnv>,
  user: SessionUser,
  state: LayerState,
  method: keyof typeof EXPLANATIONS,
  params: Record<string, unknown>,
  build: () => Promise<AggregateLayer>,
) {
  return serveCached(deps, c, user, {
    name: `analysis.${method}`,
    params,
    state,
    contentType: 'application/geo+json',
    compute: async () => {
      const layer = await build();
      const rendered = await renderLayerInSlices(user, layer, await disclosureContext(deps, state));
      return JSON.stringify({ method, explanation: EXPLANATIONS[method], ...rendered });
    },
  });
}

/** DBSCAN: analysts get member record ids; chairs get generalised cluster areas of >= k reports. */
async function dbscanLayer(
  input: LayerInput,
  epsMeters: number,
  minPoints: number,
): Promise<AggregateLayer> {
  refuseOverCeiling(
    neighbourhoodCost({
      ...(await costBasis(input)),
      radiusMeters: epsMeters,
      radiusName: 'epsMeters',
    }),
  );
  const records = await selectRecords(input.deps.db, selectionOf(input));
  const result = await withAnalysisErrors(() =>
    compute(input.deps, {
      kind: 'dbscan',
      points: toCoordinates(records),
      options: { epsMeters, minPoints },
    }),
  );
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

async function emergingLayer(
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
async function repeatsLayer(
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

export function analysisRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/analysis/*', analysisRateLimit(deps));
  return app
    .openapi(dbscanRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof DbscanQuery>;
      const { user, state, input } = await prepare(deps, c, q);
      const epsMeters = resolveParam('epsMeters', q.epsMeters, state.analysisDefaults)!;
      const minPoints = resolveParam('minPoints', q.minPoints, state.analysisDefaults)!;
      return serveAnalysis(
        deps,
        c,
        user,
        state,
        'dbscan',
        { epsMeters, minPoints, ...input.filters },
        () => dbscanLayer(input, epsMeters, minPoints),
      );
    })
    .openapi(gistarRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof GistarQuery>;
      const { user, state, input } = await prepare(deps, c, q);
      const params = resolveHexagonParams(input, { ...q, statistic: 'gistar' });
      return serveAnalysis(deps, c, user, state, 'gistar', { ...params, ...input.filters }, () =>
        buildHexagonLayer(input, params),
      );
    })
    .openapi(densityRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof DensityQuery>;
      const { user, state, input } = await prepare(deps, c, q);
      const params = resolveDensityParams(input, q);
      return serveAnalysis(deps, c, user, state, 'density', { ...params, ...input.filters }, () =>
        buildDensityLayer(input, params),
      );
    })
    .openapi(emergingRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof EmergingQuery>;
      const signedIn = currentUser(c);
      if (!receivesRecordLevel(signedIn) || q.audience === 'meeting') {
        const user: SessionUser = receivesRecordLevel(signedIn)
          ? { ...signedIn, role: 'viewer' }
          : signedIn;
        return servePublishedEmerging(deps, c, user, q);
      }
      const { user, state, input } = await prepare(deps, c, q);
      const hex = resolveHexagonParams(input, {
        sizeMeters: q.sizeMeters,
        distanceMeters: q.distanceMeters,
        statistic: 'gistar',
        fdr: true,
      });
      const params = {
        sizeMeters: hex.sizeMeters,
        distanceMeters: hex.distanceMeters,
        slice: q.slice,
      };
      return serveAnalysis(deps, c, user, state, 'emerging', { ...params, ...input.filters }, () =>
        emergingLayer(input, params),
      );
    })
    .openapi(repeatsRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof RepeatsQuery>;
      const { user, state, input } = await prepare(deps, c, q);
      const radiusMeters = resolveParam('radiusMeters', q.radiusMeters, state.analysisDefaults)!;
      const minReports = resolveParam('minReports', q.minReports, state.analysisDefaults)!;
      return serveAnalysis(
        deps,
        c,
        user,
        state,
        'repeats',
        { radiusMeters, minReports, ...input.filters },
        () => repeatsLayer(input, radiusMeters, minReports),
      );
    })
    .openapi(summaryRoute, async (c) => {
      const body = c.req.valid('json');
      const { user, state, input } = await prepare(deps, c, body);
      if (!receivesRecordLevel(user)) {
        const summary = await publishedSummary(deps, state, body, deps.clock());
        await audit(deps, c, {
          category: readCategory(user),
          action: 'analysis.summary',
          query: summary.query,
        });
        return c.json(summary.body, 200);
      }
      const selection = selectionOf(input);
      let records: Awaited<ReturnType<typeof selectRecords>>;
      let query: Record<string, unknown>;
      if ('area' in body) {
        records = await selectRecords(deps.db, {
          ...selection,
          withinGeoJson: JSON.stringify(body.area),
        });
        // The audit keeps the filters, never the drawn coordinates.
        query = { ...input.filters, area: 'polygon' };
      } else if ('district' in body) {
        const district = await districtOf(deps, user.partnershipId, body.district);
        records = await selectRecords(deps.db, { ...selection, withinGeoJson: district.geometry });
        query = { ...input.filters, district: body.district };
      } else {
        const { epsMeters, minPoints } = body.cluster;
        refuseOverCeiling(
          neighbourhoodCost({
            ...(await costBasis(input)),
            radiusMeters: epsMeters,
            radiusName: 'epsMeters',
          }),
        );
        const all = await selectRecords(deps.db, selection);
        const result = await withAnalysisErrors(() =>
          compute(deps, {
            kind: 'dbscan',
            points: toCoordinates(all),
            options: { epsMeters, minPoints },
          }),
        );
        const cluster = result.clusters.find((cl) => cl.id === body.cluster.clusterId);
        if (!cluster)
          throw new ProblemError(PROBLEM.notFound, 'No such cluster for these parameters.');
        records = cluster.pointIndices.map((i) => all[i]!);
        query = { ...input.filters, cluster: body.cluster };
      }
      await audit(deps, c, { category: readCategory(user), action: 'analysis.summary', query });
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
      return c.json({ ...summary }, 200);
    });
}

const FREE_PARAMETER = 'is for analysts; the published map has fixed parameters';

/**
 * Emerging hot spots for chairs and viewers: monthly published values on a published lattice
 * (the finest by default), on the published request surface (whole months, at least ten;
 * published sizes; taxonomy filters). Meeting mode draws them for every presenter.
 */
async function servePublishedEmerging(
  deps: AppDeps,
  c: Context<AppEnv>,
  user: SessionUser,
  q: z.infer<typeof EmergingQuery>,
) {
  const state = await loadLayerState(deps.db, user.partnershipId);
  const free: Record<string, string> = {};
  if (q.distanceMeters !== undefined) free.distanceMeters = FREE_PARAMETER;
  if (q.slice !== 'month') free.slice = 'must be month: the published map counts whole months';
  const request = resolvePublishedRequest(q, deps.clock(), 'query', free);
  const sizeMeters = publishedSize(q.sizeMeters, state.hexSizes);
  return serveCached(deps, c, user, {
    name: 'analysis.emerging',
    params: { sizeMeters, ...request.months, ...request.filters },
    state,
    contentType: 'application/geo+json',
    compute: async () => {
      const result = await publishedEmerging(deps.db, state, sizeMeters, request);
      const layer = publishedEmergingLayer(state, sizeMeters, request, result);
      return JSON.stringify({
        method: 'emerging',
        explanation: EXPLANATIONS.emerging,
        ...renderLayer(user, layer, publishedContext(state.k)),
      });
    },
  });
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
  state: Awaited<ReturnType<typeof loadLayerState>>,
  body: z.infer<typeof SummaryBody>,
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
