import { createHash } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type BacktestRow,
  backtest,
  backtestSummary,
  backtestTotals,
  bestMethod,
  chooseForecast,
  DEFAULT_FORECAST_PARAMS,
  FORECAST_EXPLANATION,
  FORECAST_METHOD_EXPLANATIONS,
  FORECAST_METHODS,
  FORECAST_SIZES,
  type ForecastMethod,
  type ForecastScore,
  latticeCellId,
  latticeCellRing,
  latticeSize,
  monthOfOrdinal,
  monthRange,
  prepareColumns,
  rankCells,
  type SquareLattice,
  scoreCells,
  squareLattice,
} from '@hotspot/analysis';
import {
  BacktestSchema,
  DefaultForecastMethodSchema,
  type ForecastMethodName,
  ForecastSchema,
} from '@hotspot/contracts';
import type { Position } from 'geojson';
import type { Context } from 'hono';
import { sql } from 'kysely';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
import {
  publishedSize,
  receivesRecordLevel,
  resolvePublishedRequest,
  toWgs84Position,
} from '../disclosure/index.ts';
import { ForecastTuningCache } from './forecast-tuning.ts';
import {
  type LayerState,
  loadLayerState,
  serveCached,
  studyAreaBng,
  withAnalysisErrors,
} from './layer-response.ts';
import {
  PUBLISHED_COVERAGES,
  PUBLISHED_FORECAST_METHODS,
  publishedForecast,
} from './published-forecast.ts';
import { RecordFilterShape, resolveFilters, selectRecordMonths } from './record-query.ts';

/**
 * Cost ceiling: lattice cells in the area × months read (training months for a forecast, every
 * month of the range for a backtest). 4,000,000 is a 50 m lattice over a 500 km² partnership for
 * 16 months, or 250 m over 5,000 km² for 50; past it the request is refused with a 422 naming
 * `sizeMeters`, before any record is read.
 */
export const MAX_CELL_MONTHS = 4_000_000;

/**
 * Default cell size: the first of FORECAST_SIZES (50 m, where the forecast did best on West
 * Mercia; the figures are beside it in the package). When 50 m would pass the cost ceiling, the
 * smallest of the coarser sizes that does not.
 */
export { FORECAST_SIZES };

const MONTH = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
const { from: _from, to: _to, ...ListFilterShape } = RecordFilterShape;

const monthsShape = {
  from: MONTH.openapi({ description: 'First training month, YYYY-MM', example: '2024-01' }),
  to: MONTH.openapi({ description: 'Last month, YYYY-MM', example: '2024-03' }),
};
const sizeMeters = z.coerce
  .number()
  .min(25)
  .max(1000)
  .optional()
  .openapi({
    description: `Square cell size, metres; 25-1000, default 50 (or the smallest of ${FORECAST_SIZES.join(', ')} within the cost ceiling)`,
  });

function monthOrder(q: { from: string; to: string }, ctx: z.RefinementCtx) {
  if (q.to < q.from)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
}

const ForecastQuery = z
  .object({
    ...ListFilterShape,
    ...monthsShape,
    coverage: z.coerce
      .number()
      .min(0.01)
      .max(0.2)
      .default(0.05)
      .openapi({ description: 'Share of the area to flag, 0.01-0.2; default 0.05' }),
    method: z.enum(FORECAST_METHODS).optional().openapi({
      description:
        'naive, recency, prospective or blended; default the partnership setting, else the best in a backtest of the training months (ties to naive)',
    }),
    sizeMeters,
  })
  .superRefine(monthOrder);

/** A comma list: split and trimmed here, each item then checked (so a 422 names its index). */
const commaList = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? fallback)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );

const BacktestQuery = z
  .object({
    ...ListFilterShape,
    ...monthsShape,
    coverages: commaList('0.01,0.05,0.1')
      .pipe(z.array(z.coerce.number<string>().min(0.01).max(0.2)).min(1).max(5))
      .openapi({
        description: 'Comma list of area shares, each 0.01-0.2, at most 5; default 0.01,0.05,0.1',
      }),
    methods: commaList(FORECAST_METHODS.join(','))
      .pipe(z.array(z.enum(FORECAST_METHODS)).min(1).max(FORECAST_METHODS.length))
      .openapi({
        description:
          'Comma list of methods; default all (naive is always computed, as the baseline)',
      }),
    sizeMeters,
  })
  .superRefine(monthOrder);

// The contracts name the methods for the web; packages/analysis holds them for the code.
const sameMethods: [ForecastMethod] extends [ForecastMethodName]
  ? [ForecastMethodName] extends [ForecastMethod]
    ? true
    : false
  : false = true;
void sameMethods;

const forecastRoute = createRoute({
  method: 'get',
  path: '/api/analysis/forecast',
  summary: 'Next month’s forecast: the top-scoring squares covering a share of the area',
  request: { query: ForecastQuery },
  responses: {
    200: {
      description:
        'GeoJSON (WGS84) squares with `rank` and `score`; `method`, `parameters` and `areaFraction` echoed',
      content: { 'application/geo+json': { schema: ForecastSchema } },
    },
    304: { description: 'Not modified' },
    ...problemResponses(401, 403, 422),
  },
});

const backtestRoute = createRoute({
  method: 'get',
  path: '/api/analysis/backtest',
  summary: 'Rolling backtest: hit rate, PAI and PEI per method, test month and coverage',
  request: { query: BacktestQuery },
  responses: {
    200: {
      description: 'Rows with naive prior counts beside each, totals and a one-line summary',
      content: { 'application/json': { schema: BacktestSchema } },
    },
    304: { description: 'Not modified' },
    ...problemResponses(401, 403, 422),
  },
});

const defaultMethodRoute = createRoute({
  method: 'put',
  path: '/api/analysis/forecast/default-method',
  summary: 'Set the partnership’s default forecast method',
  request: {
    body: {
      content: { 'application/json': { schema: DefaultForecastMethodSchema } },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'The method now used when a forecast names none',
      content: { 'application/json': { schema: DefaultForecastMethodSchema } },
    },
    ...problemResponses(401, 403, 422),
  },
});

/**
 * Record-level forecasts, backtests and the default method are analysts'. Chairs and viewers get
 * the forecast computed from the published table (`servePublishedForecast`).
 */
function requireAnalyst(c: Context<AppEnv>): SessionUser {
  const user = currentUser(c);
  if (!receivesRecordLevel(user)) {
    throw new ProblemError(
      PROBLEM.forbidden,
      'Backtests and the default method are for analysts; the forecast is served from the published table.',
    );
  }
  return user;
}

/**
 * The forecast for chairs and viewers: whole months, a published hexagon size (the finest by
 * default), one of the fixed coverages, the count-based methods and taxonomy filters; anything
 * else is a 422 naming the allowed values.
 */
async function servePublishedForecast(
  deps: AppDeps,
  c: Context<AppEnv>,
  q: z.infer<typeof ForecastQuery>,
) {
  const user = currentUser(c);
  const state = await loadLayerState(deps.db, user.partnershipId);
  const free: Record<string, string> = {};
  if (q.method !== undefined && !includes(PUBLISHED_FORECAST_METHODS, q.method)) {
    free.method = `must be one of ${PUBLISHED_FORECAST_METHODS.join(', ')}: the published forecast scores each hexagon from its own published values`;
  }
  if (!includes(PUBLISHED_COVERAGES, q.coverage)) {
    free.coverage = `must be one of ${PUBLISHED_COVERAGES.join(', ')}`;
  }
  if (q.sizeMeters !== undefined && !state.hexSizes.includes(q.sizeMeters)) {
    free.sizeMeters = `must be one of ${state.hexSizes.join(', ')}`;
  }
  const request = resolvePublishedRequest(
    { ...q, from: `${q.from}-01`, to: lastDayOf(q.to) },
    deps.clock(),
    'query',
    free,
  );
  const sizeMeters = publishedSize(q.sizeMeters, state.hexSizes);
  const setting = partnershipMethod(state);
  const method =
    q.method ?? (setting && includes(PUBLISHED_FORECAST_METHODS, setting) ? setting : undefined);
  return serveCached(deps, c, user, {
    name: 'analysis.forecast',
    params: {
      ...request.months,
      ...request.filters,
      sizeMeters,
      coverage: q.coverage,
      requestedMethod: method ?? null,
    },
    state,
    contentType: 'application/geo+json',
    compute: () =>
      publishedForecast(deps.db, state, { sizeMeters, request, coverage: q.coverage, method }),
  });
}

function includes<T>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

const sizeProblem = (detail: string) =>
  new ProblemError(PROBLEM.validation, detail, {
    errors: [{ pointer: '/query/sizeMeters', detail }],
  });

// Built lattices by size and area: a 50 m lattice over a district takes tens of milliseconds to
// build and a few megabytes to keep, and every forecast and backtest of the area reuses it.
const latticeCache = new BoundedCache<string, SquareLattice>(4);

/**
 * The lattice at the given size (or the default), refused before it is built when cells ×
 * months would pass MAX_CELL_MONTHS (the bounding box bounds the cells in the area).
 */
export function latticeFor(
  state: LayerState,
  given: number | undefined,
  months: number,
): SquareLattice {
  const area = studyAreaBng(state);
  if (!area) {
    throw new ProblemError(
      PROBLEM.validation,
      'The partnership has no area set, so the share of the area a forecast covers cannot be measured.',
    );
  }
  const xs: number[] = [];
  const ys: number[] = [];
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0] ?? []) {
      xs.push(x!);
      ys.push(y!);
    }
  }
  const boxCells = (size: number) =>
    (Math.ceil((Math.max(...xs) - Math.min(...xs)) / size) + 1) *
    (Math.ceil((Math.max(...ys) - Math.min(...ys)) / size) + 1);
  const sizes = given === undefined ? FORECAST_SIZES : [given];
  for (const size of sizes) {
    // The box holds the area's cells and more; build only when the box itself could pass.
    if (boxCells(size) * months > MAX_CELL_MONTHS * 4) continue;
    const key = `${size}|${createHash('sha256')
      .update(state.areaGeoJson ?? '')
      .digest('hex')}`;
    const lattice = latticeCache.get(key) ?? squareLattice(area, size);
    latticeCache.set(key, lattice);
    if (latticeSize(lattice) * months <= MAX_CELL_MONTHS) return lattice;
  }
  throw sizeProblem(
    `${given === undefined ? 'Every default cell size' : `${given} m squares`} over ${months} months would pass the ceiling of ${MAX_CELL_MONTHS.toLocaleString('en-GB')} cells × months; choose larger squares or fewer months.`,
  );
}

type ListFilters = Omit<
  z.infer<typeof ForecastQuery>,
  'from' | 'to' | 'coverage' | 'method' | 'sizeMeters'
>;

/** The analyst's selection over the months, as packed columns ready for the lattice. */
async function monthRecords(
  deps: AppDeps,
  user: SessionUser,
  lattice: SquareLattice,
  q: ListFilters & { from: string; to: string },
) {
  const filters = resolveFilters({ ...q, from: `${q.from}-01`, to: lastDayOf(q.to) }, deps.clock());
  const columns = await selectRecordMonths(deps.db, {
    partnershipId: user.partnershipId,
    filters,
    includeHandlingC: true,
  });
  return prepareColumns(lattice, columns);
}

const round = (v: number | null, digits = 4) =>
  v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;

const figures = (s: ForecastScore) => ({
  hitRate: round(s.hitRate),
  pai: round(s.pai, 3),
  pei: round(s.pei),
  areaFraction: round(s.areaFraction),
  hits: s.hits,
  reports: s.reports,
});

function rowJson(r: BacktestRow) {
  return {
    method: r.method,
    testMonth: r.testMonth,
    trainFrom: r.trainFrom,
    trainTo: r.trainTo,
    coverage: r.coverage,
    ...figures(r.score),
    ...(r.blendWeight === undefined ? {} : { blendWeight: r.blendWeight }),
    naive: figures(r.naive),
  };
}

/**
 * The flagged squares as GeoJSON features in WGS84, in rank order, with rank and score. Squares
 * share corners (17,461 corners for 9,332 squares in the bench's forecast), so each corner is
 * projected once: projecting five corners a square took as long as scoring them. Only with
 * whole-metre squares, where a corner's coordinates are exact whichever square computes them.
 */
export function forecastFeatures(
  lattice: SquareLattice,
  flagged: readonly number[],
  scores: Float64Array,
) {
  const shared = Number.isInteger(lattice.sizeMeters);
  const corners: (Position | undefined)[] = [];
  // Corners of the lattice's box run one past its last column and row.
  const corner = ([x, y]: readonly [number, number], i: number, j: number) => {
    if (!shared) return toWgs84Position(x, y);
    const k = i - lattice.i0 + (j - lattice.j0) * (lattice.cols + 1);
    let lngLat = corners[k];
    if (!lngLat) {
      lngLat = toWgs84Position(x, y);
      corners[k] = lngLat;
    }
    return lngLat;
  };
  return flagged.map((p, rank) => {
    const cell = latticeCellId(lattice, p);
    const i = lattice.is[p]!;
    const j = lattice.js[p]!;
    // Counter-clockwise from the south-west corner, closed.
    const [sw, se, ne, nw] = latticeCellRing(lattice, p);
    const start = corner(sw!, i, j);
    return {
      type: 'Feature',
      id: cell,
      properties: { rank: rank + 1, score: round(scores[p]!), cell },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [start, corner(se!, i + 1, j), corner(ne!, i + 1, j + 1), corner(nw!, i, j + 1), start],
        ],
      },
    };
  });
}

function partnershipMethod(state: LayerState): ForecastMethod | undefined {
  const m = state.analysisDefaults.forecastMethod;
  return (FORECAST_METHODS as readonly unknown[]).includes(m) ? (m as ForecastMethod) : undefined;
}

export function forecastRoutes(deps: AppDeps) {
  const tuning = new ForecastTuningCache();
  return new OpenAPIHono<AppEnv>()
    .openapi(forecastRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof ForecastQuery>;
      if (!receivesRecordLevel(currentUser(c))) return servePublishedForecast(deps, c, q);
      const user = requireAnalyst(c);
      const state = await loadLayerState(deps.db, user.partnershipId);
      const { first, last } = monthRange(q.from, q.to);
      const lattice = latticeFor(state, q.sizeMeters, last - first + 1);
      const filters = resolveFilters(
        { ...q, from: `${q.from}-01`, to: lastDayOf(q.to) },
        deps.clock(),
      );
      const requested = q.method ?? partnershipMethod(state);
      const params = {
        ...filters,
        from: q.from,
        to: q.to,
        forecastMonth: monthOfOrdinal(last + 1),
        coverage: q.coverage,
        sizeMeters: lattice.sizeMeters,
        requestedMethod: requested ?? null,
        ...DEFAULT_FORECAST_PARAMS,
      };
      return serveCached(deps, c, user, {
        name: 'analysis.forecast',
        params,
        state,
        contentType: 'application/geo+json',
        compute: async () => {
          const prepared = await monthRecords(deps, user, lattice, q);
          // The default, and the blend weight, come from a backtest of the training months,
          // kept until the data change (forecast-tuning.ts).
          const tuned =
            requested === undefined || requested === 'blended'
              ? await withAnalysisErrors(() =>
                  tuning.choose(
                    user.partnershipId,
                    state.dataVersion,
                    { ...params, area: state.areaGeoJson, requestedMethod: null },
                    () => chooseForecast(lattice, prepared, q),
                  ),
                )
              : undefined;
          const method = requested ?? tuned!.choice.method;
          const chosenBy = q.method
            ? 'request'
            : requested
              ? 'partnership setting'
              : tuned!.choice.chosenBy;
          const forecastParams = tuned?.choice.params ?? DEFAULT_FORECAST_PARAMS;
          const scores = scoreCells(lattice, prepared, {
            method,
            targetMonth: last + 1,
            firstMonth: first,
            params: forecastParams,
          });
          const flagged = rankCells(scores, q.coverage);
          const cells = latticeSize(lattice);
          return JSON.stringify({
            type: 'FeatureCollection',
            method,
            methodChosenBy: chosenBy,
            explanation: FORECAST_EXPLANATION,
            methodExplanation: FORECAST_METHOD_EXPLANATIONS[method],
            parameters: { ...params, ...forecastParams, method },
            tuning: tuned ? { dataVersion: state.dataVersion, reused: tuned.reused } : null,
            areaFraction: cells === 0 ? 0 : flagged.length / cells,
            cellsFlagged: flagged.length,
            cellsInArea: cells,
            reportsUsed: prepared.months.length,
            features: forecastFeatures(lattice, flagged, scores),
          });
        },
      });
    })
    .openapi(backtestRoute, async (c) => {
      const user = requireAnalyst(c);
      const q = c.req.valid('query') as z.infer<typeof BacktestQuery>;
      const state = await loadLayerState(deps.db, user.partnershipId);
      const { first, last } = monthRange(q.from, q.to);
      if (last === first) {
        const detail = 'A backtest needs at least two months: one to train on and one to test.';
        throw new ProblemError(PROBLEM.validation, detail, {
          errors: [{ pointer: '/query/to', detail }],
        });
      }
      const lattice = latticeFor(state, q.sizeMeters, last - first + 1);
      const methods = [...new Set<ForecastMethod>(['naive', ...q.methods])];
      const coverages = [...new Set(q.coverages)].sort((a, b) => a - b);
      const filters = resolveFilters(
        { ...q, from: `${q.from}-01`, to: lastDayOf(q.to) },
        deps.clock(),
      );
      const params = {
        ...filters,
        from: q.from,
        to: q.to,
        coverages,
        methods,
        sizeMeters: lattice.sizeMeters,
        ...DEFAULT_FORECAST_PARAMS,
      };
      return serveCached(deps, c, user, {
        name: 'analysis.backtest',
        params,
        state,
        contentType: 'application/json',
        compute: async () => {
          const prepared = await monthRecords(deps, user, lattice, q);
          const rows = await withAnalysisErrors(() =>
            backtest(lattice, prepared, { from: q.from, to: q.to, coverages, methods }),
          );
          const best = bestMethod(rows);
          const summaryCoverage = coverages.includes(0.05) ? 0.05 : coverages[0]!;
          return JSON.stringify({
            method: 'backtest',
            explanation: FORECAST_EXPLANATION,
            methodExplanations: FORECAST_METHOD_EXPLANATIONS,
            parameters: params,
            bestMethod: best,
            partnershipMethod: partnershipMethod(state) ?? null,
            summary: backtestSummary(rows, best, summaryCoverage),
            cellsInArea: latticeSize(lattice),
            rows: rows.map(rowJson),
            totals: backtestTotals(rows).map((t) => ({
              ...t,
              hitRate: round(t.hitRate),
              naiveHitRate: round(t.naiveHitRate),
            })),
          });
        },
      });
    })
    .openapi(defaultMethodRoute, async (c) => {
      const user = requireAnalyst(c);
      const { method } = c.req.valid('json');
      await sql`update partnership
        set analysis_defaults = coalesce(analysis_defaults, '{}'::jsonb) || jsonb_build_object('forecastMethod', ${method}::text)
        where id = ${user.partnershipId}`.execute(deps.db.kysely);
      await audit(deps, c, {
        category: 'alteration',
        action: 'analysis.forecast.default-method',
        objectType: 'partnership',
        objectId: user.partnershipId,
        query: { method },
      });
      return c.json({ method }, 200);
    });
}
