// The forecast's and backtest's reads and shapes: the square lattice within the cost ceiling,
// the analyst's selection as month columns on it, the rows and features the answers carry, and
// the record-level answers themselves (the handlers cache them with serveCached).
import { createHash } from 'node:crypto';
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
import type { Position } from 'geojson';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { toWgs84Position } from '../disclosure/index.ts';
import type { ForecastTuningCache } from './forecast-tuning.ts';
import { type LayerState, studyAreaBng, withAnalysisErrors } from './layer-response.ts';
import { resolveFilters, selectRecordMonths } from './record-query.ts';

/**
 * Cost ceiling: lattice cells in the area × months read (training months for a forecast, every
 * month of the range for a backtest). 4,000,000 is a 50 m lattice over a 500 km² partnership for
 * 16 months, or 250 m over 5,000 km² for 50; past it the request is refused with a 422 naming
 * `sizeMeters`, before any record is read.
 */
export const MAX_CELL_MONTHS = 4_000_000;

export function includes<T>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

export function lastDayOf(month: string): string {
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
 * Default cell size: the first of FORECAST_SIZES (50 m, where the forecast did best on West
 * Mercia; the figures are beside it in the package). When 50 m would pass the cost ceiling, the
 * smallest of the coarser sizes that does not.
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

/** The record filters of a forecast or backtest request, beside its months. */
type ListFilters = Omit<Parameters<typeof resolveFilters>[0], 'from' | 'to'>;

/** The analyst's selection over the months, as packed columns ready for the lattice. */
export async function monthRecords(
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

export const round = (v: number | null, digits = 4) =>
  v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;

const figures = (s: ForecastScore) => ({
  hitRate: round(s.hitRate),
  pai: round(s.pai, 3),
  pei: round(s.pei),
  areaFraction: round(s.areaFraction),
  hits: s.hits,
  reports: s.reports,
});

export function rowJson(r: BacktestRow) {
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

export function partnershipMethod(state: LayerState): ForecastMethod | undefined {
  const m = state.analysisDefaults.forecastMethod;
  return (FORECAST_METHODS as readonly unknown[]).includes(m) ? (m as ForecastMethod) : undefined;
}

/** A forecast request as validated: the record filters, the months and the forecast's options. */
export type ForecastRequest = ListFilters & {
  from: string;
  to: string;
  coverage: number;
  method?: ForecastMethod | undefined;
  sizeMeters?: number | undefined;
};

/** A backtest request as validated. */
export type BacktestRequest = ListFilters & {
  from: string;
  to: string;
  coverages: number[];
  methods: ForecastMethod[];
  sizeMeters?: number | undefined;
};

/** The lattice and months a record-level forecast runs on, and the parameters it is cached by. */
export function forecastPlan(deps: Pick<AppDeps, 'clock'>, state: LayerState, q: ForecastRequest) {
  const { first, last } = monthRange(q.from, q.to);
  const lattice = latticeFor(state, q.sizeMeters, last - first + 1);
  const filters = resolveFilters({ ...q, from: `${q.from}-01`, to: lastDayOf(q.to) }, deps.clock());
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
  return { first, last, lattice, requested, params };
}

/**
 * The record-level forecast as GeoJSON text. The default method, and the blend weight, come from
 * a backtest of the training months, kept until the data change (forecast-tuning.ts).
 */
export async function forecastAnswer(
  deps: AppDeps,
  user: SessionUser,
  state: LayerState,
  q: ForecastRequest,
  plan: ReturnType<typeof forecastPlan>,
  tuning: ForecastTuningCache,
): Promise<string> {
  const { first, last, lattice, requested, params } = plan;
  const prepared = await monthRecords(deps, user, lattice, q);
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
}

/**
 * The lattice, methods and coverages a backtest runs on, and the parameters it is cached by; a
 * single month is a 422 (there is nothing to test on).
 */
export function backtestPlan(deps: Pick<AppDeps, 'clock'>, state: LayerState, q: BacktestRequest) {
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
  const filters = resolveFilters({ ...q, from: `${q.from}-01`, to: lastDayOf(q.to) }, deps.clock());
  const params = {
    ...filters,
    from: q.from,
    to: q.to,
    coverages,
    methods,
    sizeMeters: lattice.sizeMeters,
    ...DEFAULT_FORECAST_PARAMS,
  };
  return { lattice, methods, coverages, params };
}

/** The backtest of each method over the months, as JSON text. */
export async function backtestAnswer(
  deps: AppDeps,
  user: SessionUser,
  state: LayerState,
  q: BacktestRequest,
  plan: ReturnType<typeof backtestPlan>,
): Promise<string> {
  const { lattice, methods, coverages, params } = plan;
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
}
