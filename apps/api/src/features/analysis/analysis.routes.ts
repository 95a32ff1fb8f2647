import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { EXPLANATIONS } from '@hotspot/analysis';
import { LayerSchema } from '@hotspot/contracts';
import type { Context } from 'hono';
import { analysisRateLimit } from '../../compute/rate-limit.ts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { audit } from '../audit/index.ts';
import {
  type AggregateLayer,
  publishedContext,
  publishedSize,
  receivesRecordLevel,
  renderLayer,
  resolvePublishedRequest,
} from '../disclosure/index.ts';
import { areaSummary, dbscanLayer, emergingLayer, repeatsLayer } from './analysis.queries.ts';
import {
  buildDensityLayer,
  buildHexagonLayer,
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
} from './layer-response.ts';
import { numberParam, resolveParam } from './parameters.ts';
import { publishedEmerging, publishedEmergingLayer } from './published-emerging.ts';
import { RecordFilterShape, resolveFilters } from './record-query.ts';
import { SummaryBody } from './summary-request.ts';

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
      const summary = await areaSummary(input, state, body);
      await audit(deps, c, {
        category: readCategory(user),
        action: 'analysis.summary',
        query: summary.query,
      });
      return c.json(summary.body, 200);
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
