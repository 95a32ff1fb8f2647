import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { LayerSchema } from '@hotspot/contracts';
import type { Context } from 'hono';
import { analysisRateLimit } from '../../compute/rate-limit.ts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  buildDensityLayer,
  buildHexagonLayer,
  buildHotspotLayer,
  buildPointLayer,
  disclosureContext,
  type LayerInput,
  loadLayerState,
  numberParam,
  publishedCells,
  publishedCountLayer,
  publishedDensityLayer,
  publishedGistarLayer,
  RecordFilterShape,
  renderLayerInSlices,
  resolveDensityParams,
  resolveFilters,
  resolveHexagonParams,
  serveCached,
} from '../analysis/index.ts';
import {
  type LayerCollection,
  publishedContext,
  publishedSize,
  receivesRecordLevel,
  renderLayer,
  resolvePublishedRequest,
} from '../disclosure/index.ts';
import { layerToCsv } from './layer-csv.ts';

const booleanParam = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');

const HOTSPOT_STATUSES = ['proposed', 'confirmed', 'tasked', 'monitoring', 'closed'] as const;

const bboxParam = z
  .string()
  .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'west,south,east,north in degrees')
  .transform((v) => v.split(',').map(Number) as [number, number, number, number])
  .refine(
    ([w, s, e, n]) => w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90,
    'west < east, south < north, within WGS84',
  )
  .optional()
  .openapi({ description: 'west,south,east,north (WGS84)' });

const statusParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    (v === undefined ? [] : Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(HOTSPOT_STATUSES)))
  .openapi({ description: 'Hotspot statuses; repeat or comma list' });

// A meeting screen is seen by every attendee: `audience=meeting` makes an analyst's request
// render exactly as a viewer's (aggregates through disclosure control), so nothing record-level
// is projected in a room of partners.
const audienceParam = z
  .enum(['own', 'meeting'])
  .default('own')
  .openapi({ description: "'meeting': render as the meeting screen (a viewer) sees it" });

const HexagonQuery = z.object({
  ...RecordFilterShape,
  audience: audienceParam,
  sizeMeters: numberParam('sizeMeters'),
  statistic: z.enum(['count', 'gistar']).default('count'),
  distanceMeters: numberParam('distanceMeters'),
  fdr: booleanParam,
});
const DensityQuery = z.object({
  ...RecordFilterShape,
  audience: audienceParam,
  bandwidthMeters: numberParam('bandwidthMeters'),
  cellSizeMeters: numberParam('cellSizeMeters'),
});
const HotspotQuery = z.object({
  ...RecordFilterShape,
  audience: audienceParam,
  status: statusParam,
});
const PointQuery = z.object({
  ...RecordFilterShape,
  bbox: bboxParam,
  zoom: z.coerce.number().int().min(0).max(22).default(12),
});
const ExportQuery = z.object({
  ...RecordFilterShape,
  layer: z.enum(['hexagons', 'density', 'hotspots', 'points']),
  sizeMeters: numberParam('sizeMeters'),
  statistic: z.enum(['count', 'gistar']).default('count'),
  distanceMeters: numberParam('distanceMeters'),
  fdr: booleanParam,
  bandwidthMeters: numberParam('bandwidthMeters'),
  cellSizeMeters: numberParam('cellSizeMeters'),
  status: statusParam,
  bbox: bboxParam,
  zoom: z.coerce.number().int().min(0).max(22).default(22),
});

const geoJsonResponse = {
  200: {
    description: 'GeoJSON (WGS84); disclosure-controlled for non-analysts',
    content: { 'application/geo+json': { schema: LayerSchema } },
  },
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
  ...problemResponses(401, 403, 422, 429, 503),
};

const hexagonsRoute = createRoute({
  method: 'get',
  path: '/api/layers/hexagons',
  summary: 'Hexagon counts (suppressed below k for non-analysts) or Gi* hot spot bins',
  request: { query: HexagonQuery },
  responses: geoJsonResponse,
});
const densityRoute = createRoute({
  method: 'get',
  path: '/api/layers/density',
  summary: 'Kernel density contour bands',
  request: { query: DensityQuery },
  responses: geoJsonResponse,
});
const hotspotsRoute = createRoute({
  method: 'get',
  path: '/api/layers/hotspots',
  summary: "Saved hotspots (generalised for non-analysts; partners: their agency's only)",
  request: { query: HotspotQuery },
  responses: geoJsonResponse,
});
const pointsRoute = createRoute({
  method: 'get',
  path: '/api/layers/points',
  summary: 'Record points in a box, clustered on a grid when zoomed out (analysts only)',
  request: { query: PointQuery },
  responses: geoJsonResponse,
});
const exportCsvRoute = createRoute({
  method: 'get',
  path: '/api/export/layer.csv',
  summary: 'Export what your role may see of a layer, as CSV (geometry as GeoJSON text)',
  request: { query: ExportQuery },
  responses: {
    200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
    ...problemResponses(401, 403, 422, 429, 503),
  },
});
const exportGeoJsonRoute = createRoute({
  method: 'get',
  path: '/api/export/layer.geojson',
  summary: 'Export what your role may see of a layer, as GeoJSON',
  request: { query: ExportQuery },
  responses: geoJsonResponse,
});

type ExportParams = z.infer<typeof ExportQuery>;

/**
 * Computes a layer for the user, rendered through the disclosure module. Shared by the layer
 * routes and the export, so an export holds exactly what the role sees on the map.
 */
async function layerFor(
  deps: AppDeps,
  user: SessionUser,
  query: ExportParams,
): Promise<{
  params: Record<string, unknown>;
  compute: () => Promise<LayerCollection>;
  state: Awaited<ReturnType<typeof loadLayerState>>;
}> {
  if (user.role === 'partner' && query.layer !== 'hotspots') {
    throw new ProblemError(PROBLEM.forbidden, "Partners see only their agency's hotspots.");
  }
  const published =
    !receivesRecordLevel(user) && (query.layer === 'hexagons' || query.layer === 'density');
  const state = await loadLayerState(deps.db, user.partnershipId, {
    hotspotsAndActions: !published,
  });
  if (published) return publishedLayerFor(deps, user, query, state);
  const input: LayerInput = { deps, user, state, filters: resolveFilters(query, deps.clock()) };
  const render = async (build: () => Promise<Parameters<typeof renderLayer>[1]>) => {
    // The vertex guard loads beside the build (it is cached per data version, the layer is not).
    const [layer, ctx] = await Promise.all([build(), disclosureContext(deps, state, user)]);
    return renderLayerInSlices(user, layer, ctx);
  };
  switch (query.layer) {
    case 'hexagons': {
      const params = resolveHexagonParams(input, query);
      return {
        state,
        params: { ...params, ...input.filters },
        compute: () => render(() => buildHexagonLayer(input, params)),
      };
    }
    case 'density': {
      const params = resolveDensityParams(input, query);
      return {
        state,
        params: { ...params, ...input.filters },
        compute: () => render(() => buildDensityLayer(input, params)),
      };
    }
    case 'hotspots': {
      const params = { status: [...query.status].sort() };
      if (!receivesRecordLevel(user)) {
        const published = resolvePublishedRequest(query, deps.clock());
        return {
          state,
          params: { ...params, ...published.months, ...published.filters },
          compute: async () =>
            renderLayer(
              user,
              await buildHotspotLayer(input, params, published),
              publishedContext(state.k),
            ),
        };
      }
      return {
        state,
        params: { ...params, ...input.filters },
        compute: () => render(() => buildHotspotLayer(input, params)),
      };
    }
    case 'points': {
      if (user.role !== 'analyst') {
        throw new ProblemError(PROBLEM.forbidden, 'Record-level points are for analysts only.');
      }
      const params = { bbox: query.bbox, zoom: query.zoom };
      return {
        state,
        params: { ...params, ...input.filters },
        compute: () => render(() => buildPointLayer(input, params)),
      };
    }
  }
}

const FREE_PARAMETER = 'is for analysts; the published map has fixed parameters';

/** Hexagons and density for non-analysts: from the published table, on its finite surface. */
function publishedLayerFor(
  deps: AppDeps,
  user: SessionUser,
  query: ExportParams,
  state: Awaited<ReturnType<typeof loadLayerState>>,
) {
  const free: Record<string, string> = {};
  const hexagons = query.layer === 'hexagons';
  if (hexagons && query.distanceMeters !== undefined) free.distanceMeters = FREE_PARAMETER;
  if (!hexagons && query.statistic !== 'count') free.statistic = FREE_PARAMETER;
  for (const name of ['bandwidthMeters', 'cellSizeMeters'] as const) {
    if (query[name] !== undefined) free[name] = FREE_PARAMETER;
  }
  const request = resolvePublishedRequest(query, deps.clock(), 'query', free);
  const sizeMeters = publishedSize(query.sizeMeters, state.hexSizes);
  const params = {
    sizeMeters,
    ...(hexagons ? { statistic: query.statistic, fdr: query.fdr } : {}),
    ...request.months,
    ...request.filters,
  };
  return {
    state,
    params,
    compute: async (): Promise<LayerCollection> => {
      const cells = await publishedCells(deps.db, state, sizeMeters, request);
      const layer = !hexagons
        ? publishedDensityLayer(state, sizeMeters, request, cells)
        : query.statistic === 'gistar'
          ? publishedGistarLayer(state, sizeMeters, request, cells, query.fdr)
          : publishedCountLayer(state, sizeMeters, request, cells);
      return renderLayer(user, layer, publishedContext(state.k));
    },
  };
}

async function serveLayer(
  deps: AppDeps,
  c: Context<AppEnv>,
  query: ExportParams & { readonly audience?: 'own' | 'meeting' },
) {
  const signedIn = currentUser(c);
  const user: SessionUser =
    query.audience === 'meeting' && signedIn.role === 'analyst'
      ? { ...signedIn, role: 'viewer' }
      : signedIn;
  const { params, compute, state } = await layerFor(deps, user, query);
  return serveCached(deps, c, user, {
    name: `layer.${query.layer}`,
    params,
    state,
    contentType: 'application/geo+json',
    compute: async () => JSON.stringify(await compute()),
  });
}

const EXPORT_DEFAULTS: Pick<ExportParams, 'statistic' | 'fdr' | 'status' | 'zoom'> = {
  statistic: 'count',
  fdr: false,
  status: [],
  zoom: 12,
};

/** Layer requests that run a statistic in the compute pool: rate-limited like the analyses. */
function heavyLayer(url: URL): boolean {
  const layer = url.pathname.startsWith('/api/export/')
    ? url.searchParams.get('layer')
    : url.pathname.slice('/api/layers/'.length);
  return (
    layer === 'density' || (layer === 'hexagons' && url.searchParams.get('statistic') === 'gistar')
  );
}

export function layerRoutes(deps: AppDeps) {
  const rateLimit = analysisRateLimit(deps, heavyLayer);
  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/layers/*', rateLimit);
  app.use('/api/export/*', rateLimit);
  return app
    .openapi(hexagonsRoute, async (c) =>
      serveLayer(deps, c, {
        ...EXPORT_DEFAULTS,
        ...c.req.valid('query'),
        layer: 'hexagons',
      }),
    )
    .openapi(densityRoute, async (c) =>
      serveLayer(deps, c, {
        ...EXPORT_DEFAULTS,
        ...c.req.valid('query'),
        layer: 'density',
      }),
    )
    .openapi(hotspotsRoute, async (c) =>
      serveLayer(deps, c, {
        ...EXPORT_DEFAULTS,
        ...c.req.valid('query'),
        layer: 'hotspots',
      }),
    )
    .openapi(pointsRoute, async (c) =>
      serveLayer(deps, c, {
        ...EXPORT_DEFAULTS,
        ...c.req.valid('query'),
        layer: 'points',
      }),
    )
    .openapi(exportGeoJsonRoute, async (c) => {
      const user = currentUser(c);
      const query = c.req.valid('query');
      const { params, compute, state } = await layerFor(deps, user, query);
      return serveCached(deps, c, user, {
        name: `export.${query.layer}.geojson`,
        params,
        state,
        contentType: 'application/geo+json',
        compute: async () => JSON.stringify(await compute()),
        extraHeaders: { 'content-disposition': `attachment; filename="${query.layer}.geojson"` },
      });
    })
    .openapi(exportCsvRoute, async (c) => {
      const user = currentUser(c);
      const query = c.req.valid('query');
      const { params, compute, state } = await layerFor(deps, user, query);
      return serveCached(deps, c, user, {
        name: `export.${query.layer}.csv`,
        params,
        state,
        contentType: 'text/csv; charset=utf-8',
        compute: async () => layerToCsv(await compute()),
        extraHeaders: { 'content-disposition': `attachment; filename="${query.layer}.csv"` },
      });
    });
}
