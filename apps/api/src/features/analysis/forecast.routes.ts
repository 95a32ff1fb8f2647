import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { FORECAST_METHODS, FORECAST_SIZES, type ForecastMethod } from '@hotspot/analysis';
import {
  BacktestSchema,
  DefaultForecastMethodSchema,
  type ForecastMethodName,
  ForecastSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
import {
  publishedSize,
  receivesRecordLevel,
  resolvePublishedRequest,
} from '../disclosure/index.ts';
import { setDefaultForecastMethod } from './analysis.commands.ts';
import {
  backtestAnswer,
  backtestPlan,
  forecastAnswer,
  forecastPlan,
  includes,
  lastDayOf,
  partnershipMethod,
} from './forecast.queries.ts';
import { ForecastTuningCache } from './forecast-tuning.ts';
import { loadLayerState, serveCached } from './layer-response.ts';
import {
  PUBLISHED_COVERAGES,
  PUBLISHED_FORECAST_METHODS,
  publishedForecast,
} from './published-forecast.ts';
import { RecordFilterShape } from './record-query.ts';

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

export function forecastRoutes(deps: AppDeps) {
  const tuning = new ForecastTuningCache();
  return new OpenAPIHono<AppEnv>()
    .openapi(forecastRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof ForecastQuery>;
      if (!receivesRecordLevel(currentUser(c))) return servePublishedForecast(deps, c, q);
      const user = requireAnalyst(c);
      const state = await loadLayerState(deps.db, user.partnershipId);
      const plan = forecastPlan(deps, state, q);
      return serveCached(deps, c, user, {
        name: 'analysis.forecast',
        params: plan.params,
        state,
        contentType: 'application/geo+json',
        compute: () => forecastAnswer(deps, user, state, q, plan, tuning),
      });
    })
    .openapi(backtestRoute, async (c) => {
      const user = requireAnalyst(c);
      const q = c.req.valid('query') as z.infer<typeof BacktestQuery>;
      const state = await loadLayerState(deps.db, user.partnershipId);
      const plan = backtestPlan(deps, state, q);
      return serveCached(deps, c, user, {
        name: 'analysis.backtest',
        params: plan.params,
        state,
        contentType: 'application/json',
        compute: () => backtestAnswer(deps, user, state, q, plan),
      });
    })
    .openapi(defaultMethodRoute, async (c) => {
      const user = requireAnalyst(c);
      const { method } = c.req.valid('json');
      await setDefaultForecastMethod(deps.db, user.partnershipId, method);
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
