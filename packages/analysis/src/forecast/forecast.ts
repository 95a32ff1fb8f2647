import { toEpochMs } from '../common/time.ts';
import type { TimedPoint } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';
import { hitRateAtCoverage, predictiveAccuracyIndex } from '../evaluation/evaluation.ts';
import { latticeSize, latticeSlotAt, type SquareLattice } from './lattice.ts';

/** One sentence for a tasking meeting. */
export const FORECAST_EXPLANATION =
  'The map is divided into equal squares and each is scored from the reports of the months before; the top-scoring squares, covering the chosen share of the area, are where next month’s reports are most likely, and the backtest shows how often that held in past months.';

export const FORECAST_METHODS = ['naive', 'recency', 'prospective', 'blended'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

/** One sentence per method, shown beside the forecast. */
export const FORECAST_METHOD_EXPLANATIONS: Record<ForecastMethod, string> = {
  naive:
    'Naive prior counts: each square scores the number of reports in it over the training months (the baseline every forecast must beat).',
  recency:
    'Recency-weighted counts: each report counts less the older it is, halving every `halfLifeMonths` months.',
  prospective:
    'Prospective hot-spotting (Bowers, Johnson and Pease 2004): each report raises the score of every square within `radiusMeters`, by 1/(1 + distance band) × 1/(1 + months ago), so recent and near reports weigh most.',
  blended:
    'Counts with neighbours: each square scores its reports over the training months plus `blendWeight` × its prospective score, so squares with as many reports are ordered by the recent reports near them, and squares with none by nearness to recent reports; `blendWeight` is chosen by a backtest of the training months (0: the prospective score only breaks ties).',
};

export interface ForecastParams {
  /** Recency: a report `halfLifeMonths` older counts half as much. */
  readonly halfLifeMonths: number;
  /** Prospective: reports further from a square's centre than this do not raise its score. */
  readonly radiusMeters: number;
  /** Prospective: width of a distance band (0 for the report's own neighbourhood). */
  readonly bandMeters: number;
  /** Prospective: only reports from the last `timeWindowMonths` training months count. */
  readonly timeWindowMonths: number;
  /**
   * Blended: weight of the prospective score added to the counts; 0 lets it break ties only.
   * A backtest of the training months chooses it from BLEND_WEIGHTS (`chooseForecast`).
   */
  readonly blendWeight: number;
}

/**
 * Defaults. Prospective: Bowers, Johnson and Pease (2004) used 50 m cells, a 400 m radius in
 * 50 m bands and a two-month window for burglary. Tuned here on police.uk West Mercia Jan-Mar
 * 2024 only (train Jan, test Feb; train Jan-Feb, test Mar; 50 m squares, 5 % of the area; April
 * never looked at), over radius 50-200 m, bands 10-50 m and windows 1-3 months: a 200 m radius in
 * 10 m bands (weight falling about as 10/distance) over three months caught 75.2 % against naive
 * counts' 67.4 %. Wider bands smear a busy map point over its neighbours, where snapped data
 * never falls. Recency: a half-life of two months. Blended: 0 (ties only) until a backtest of
 * the training months says otherwise.
 */
export const DEFAULT_FORECAST_PARAMS: ForecastParams = {
  halfLifeMonths: 2,
  radiusMeters: 200,
  bandMeters: 10,
  timeWindowMonths: 3,
  blendWeight: 0,
};

/**
 * The blend weights a backtest of the training months chooses from (ties to the smaller). 0
 * keeps naive counts' order and only fills and breaks ties by the prospective score; 2 lets two
 * squares' worth of near, recent reports outrank one report in the square itself.
 */
export const BLEND_WEIGHTS = [0, 0.25, 0.5, 1, 2] as const;

/**
 * Square sizes a forecast may default to, finest first. 50 m is where the forecast did best on
 * police.uk West Mercia (North Worcestershire, Jan-Apr 2024, 5 % of the area): the default
 * caught 85.4 % of April's crimes trained on Jan-Mar (naive counts 81.1 %), and 80.0 % over the
 * rolling backtest (naive 72.2 %); at 250 m naive counts caught 68.3 % and 66.8 %. The API takes
 * the first of these that stays within its cost ceiling.
 */
export const FORECAST_SIZES = [50, 100, 250, 500, 1000] as const;

/** Month number (year·12 + month index) of an instant or ISO date, UTC. */
export function monthOrdinal(t: number | string): number {
  if (typeof t === 'string' && /^\d{4}-\d{2}$/.test(t)) {
    return Number(t.slice(0, 4)) * 12 + Number(t.slice(5, 7)) - 1;
  }
  const d = new Date(toEpochMs(t));
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** `YYYY-MM` of a month ordinal. */
export function monthOfOrdinal(ordinal: number): string {
  return `${Math.floor(ordinal / 12)}-${String((ordinal % 12) + 1).padStart(2, '0')}`;
}

/**
 * Records prepared once for a lattice: each record's lattice position (-1 outside the area) and
 * month ordinal, so a backtest scores many months without re-reading them.
 */
export interface PreparedRecords {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly months: Int32Array;
  readonly slots: Int32Array;
}

/** As `prepareRecords`, from columns: BNG eastings, northings and month ordinals. */
export function prepareColumns(
  lattice: SquareLattice,
  columns: {
    readonly xs: Float64Array;
    readonly ys: Float64Array;
    readonly months: ArrayLike<number>;
  },
): PreparedRecords {
  const n = columns.xs.length;
  const slots = new Int32Array(n);
  for (let k = 0; k < n; k++) slots[k] = latticeSlotAt(lattice, columns.xs[k]!, columns.ys[k]!);
  return { xs: columns.xs, ys: columns.ys, months: Int32Array.from(columns.months), slots };
}

export function prepareRecords(
  lattice: SquareLattice,
  records: readonly TimedPoint[],
): PreparedRecords {
  const n = records.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const months = new Int32Array(n);
  const slots = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const r = records[k]!;
    xs[k] = r.x;
    ys[k] = r.y;
    months[k] = monthOrdinal(r.t);
    slots[k] = latticeSlotAt(lattice, r.x, r.y);
  }
  return { xs, ys, months, slots };
}

/**
 * Scores every lattice cell for `targetMonth` from the records dated in the training months
 * [firstMonth, targetMonth - 1] (month ordinals). Records outside the area add nothing, except
 * that the prospective method lets a report just outside raise the squares inside near it.
 *
 * - naive: reports in the cell.
 * - recency: Σ 0.5^((months ago − 1) / halfLifeMonths) over the cell's reports (last month = 1).
 * - prospective (Bowers, Johnson and Pease 2004, "Prospective hot-spotting: the future of crime
 *   mapping?", British Journal of Criminology 44(5) 641-658): for every report within
 *   `radiusMeters` of the cell's centre and within the last `timeWindowMonths` months,
 *   1/(1 + distance band) × 1/(1 + months ago − 1), the distance band being
 *   floor(distance / bandMeters). The paper counted weeks; the data here is dated to the month.
 */
export function scoreCells(
  lattice: SquareLattice,
  records: PreparedRecords,
  options: {
    readonly method: ForecastMethod;
    readonly targetMonth: number;
    readonly firstMonth: number;
    readonly params?: Partial<ForecastParams>;
  },
): Float64Array {
  const params = { ...DEFAULT_FORECAST_PARAMS, ...options.params };
  requireNumberInRange('halfLifeMonths', params.halfLifeMonths, 0.05, 120);
  requireNumberInRange('radiusMeters', params.radiusMeters, 0, 10_000);
  requireNumberInRange('bandMeters', params.bandMeters, 1, 10_000);
  requireNumberInRange('timeWindowMonths', params.timeWindowMonths, 1, 120);
  requireNumberInRange('blendWeight', params.blendWeight, 0, 100);
  const { method, targetMonth, firstMonth } = options;
  if (method === 'blended') {
    const counts = scoreCells(lattice, records, { ...options, method: 'naive' });
    const near = scoreCells(lattice, records, { ...options, method: 'prospective' });
    return blendScores(counts, near, params.blendWeight);
  }
  const scores = new Float64Array(latticeSize(lattice));
  const { xs, ys, months, slots } = records;
  if (method === 'naive' || method === 'recency') {
    for (let k = 0; k < months.length; k++) {
      const m = months[k]!;
      const slot = slots[k]!;
      if (slot < 0 || m < firstMonth || m >= targetMonth) continue;
      scores[slot]! +=
        method === 'naive' ? 1 : 0.5 ** ((targetMonth - m - 1) / params.halfLifeMonths);
    }
    return scores;
  }
  const s = lattice.sizeMeters;
  const reach = Math.ceil(params.radiusMeters / s) + 1;
  const r2 = params.radiusMeters * params.radiusMeters;
  const earliest = Math.max(firstMonth, targetMonth - params.timeWindowMonths);
  for (let k = 0; k < months.length; k++) {
    const m = months[k]!;
    if (m < earliest || m >= targetMonth) continue;
    const timeWeight = 1 / (1 + (targetMonth - m - 1));
    const x = xs[k]!;
    const y = ys[k]!;
    const c0 = Math.floor(x / s) - lattice.i0;
    const r0 = Math.floor(y / s) - lattice.j0;
    for (let dr = -reach; dr <= reach; dr++) {
      const r = r0 + dr;
      if (r < 0 || r >= lattice.rows) continue;
      const cy = (lattice.j0 + r + 0.5) * s - y;
      for (let dc = -reach; dc <= reach; dc++) {
        const c = c0 + dc;
        if (c < 0 || c >= lattice.cols) continue;
        const slot = lattice.slot[r * lattice.cols + c]!;
        if (slot < 0) continue;
        const cx = (lattice.i0 + c + 0.5) * s - x;
        const d2 = cx * cx + cy * cy;
        // The report's own cell always counts, whatever the radius.
        if (d2 > r2 && !(dr === 0 && dc === 0)) continue;
        const band = Math.floor(Math.sqrt(d2) / params.bandMeters);
        scores[slot]! += timeWeight / (1 + band);
      }
    }
  }
  return scores;
}

/**
 * Counts plus `weight` × the prospective score, cell by cell. With weight 0 the prospective
 * score, scaled below 1, only orders squares of equal count: naive counts' order, with the
 * squares no report fell in filled by nearness to recent reports instead of left empty (on
 * police.uk at 50 m naive counts flag just 0.9 % of the area when asked for 5 %).
 */
export function blendScores(
  counts: Float64Array,
  near: Float64Array,
  weight: number,
): Float64Array {
  let scale = weight;
  if (weight === 0) {
    let max = 0;
    for (const v of near) if (v > max) max = v;
    scale = 1 / (1 + max);
  }
  const out = new Float64Array(counts.length);
  for (let p = 0; p < counts.length; p++) out[p] = counts[p]! + scale * near[p]!;
  return out;
}

/**
 * The cells to flag at `coverage` (a share of the lattice's area, 0-1): positions in score
 * order, highest first, ties by lattice position (row, then column, from the south-west), so
 * the same input always flags the same cells. At most floor(coverage · cells) are taken, and
 * never a cell scoring 0: a square no report points to is not a forecast.
 */
export function rankCells(scores: Float64Array, coverage: number): number[] {
  requireNumberInRange('coverage', coverage, 0, 1);
  return topPositions(scores, Math.floor(scores.length * coverage + 1e-9));
}

/**
 * The first `take` of `rankedPositions(scores)`, without sorting every positive cell: a 50 m
 * lattice has a hundred thousand cells near some report, and a backtest ranks it many times.
 * The k-th best score is found by a native sort of the values alone; only the cells at or
 * above it are ordered by score and position.
 */
export function topPositions(scores: Float64Array, take: number): number[] {
  if (take <= 0) return [];
  let positives = 0;
  for (const v of scores) if (v > 0) positives += 1;
  if (positives <= take) return rankedPositions(scores);
  const values = new Float64Array(positives);
  let k = 0;
  for (const v of scores) if (v > 0) values[k++] = v;
  values.sort();
  const threshold = values[positives - take]!;
  const above: number[] = [];
  for (let p = 0; p < scores.length; p++) if (scores[p]! >= threshold) above.push(p);
  return above.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, take);
}

/** Every position scoring above 0, highest first, ties by position. */
export function rankedPositions(scores: Float64Array): number[] {
  const positive: number[] = [];
  for (let p = 0; p < scores.length; p++) if (scores[p]! > 0) positive.push(p);
  return positive.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

export interface ForecastScore {
  /** Cells flagged and their share of the lattice's area (may fall short of the coverage). */
  readonly flaggedCells: number;
  readonly areaFraction: number;
  readonly hits: number;
  readonly reports: number;
  /** Share of the test month's reports in the flagged cells (0 when there are none). */
  readonly hitRate: number;
  /** (n/N)/(a/A); null when nothing was flagged or no report fell. */
  readonly pai: number | null;
  /** Hit rate / the best hit rate any choice of as many cells could reach; null as PAI. */
  readonly pei: number | null;
}

/**
 * Hit rate, PAI and PEI of flagged cells against a test month's counts per cell. `reports` is
 * every report of the test month, including any outside the lattice (which no cell can hit).
 * PAI is `predictiveAccuracyIndex`; PEI divides the hit rate by the best hit rate at the same
 * area, `hitRateAtCoverage` of the observed counts themselves (Hunt 2016's PEI).
 */
export function scoreFlagged(
  flagged: readonly number[],
  observed: Int32Array,
  reports: number,
): ForecastScore {
  const cells = observed.length;
  let hits = 0;
  for (const p of flagged) hits += observed[p]!;
  const areaFraction = cells === 0 ? 0 : flagged.length / cells;
  const pai = predictiveAccuracyIndex({
    hits,
    totalReports: reports,
    flaggedArea: flagged.length,
    totalArea: cells,
  });
  if (!pai.computable) {
    return {
      flaggedCells: flagged.length,
      areaFraction,
      hits,
      reports,
      hitRate: reports > 0 ? hits / reports : 0,
      pai: null,
      pei: null,
    };
  }
  // Only cells where reports fell can add to the best hit rate, so rank just those (a 50 m
  // lattice has hundreds of thousands of empty cells): as many of them as were flagged.
  const holding: { intensity: number; count: number }[] = [];
  for (const count of observed) if (count > 0) holding.push({ intensity: count, count });
  const take = Math.min(flagged.length, holding.length);
  const best =
    take === 0
      ? ({ computable: false } as const)
      : hitRateAtCoverage(holding, take / holding.length, reports);
  const bestRate = best.computable ? best.hitRate : 0;
  return {
    flaggedCells: flagged.length,
    areaFraction,
    hits,
    reports,
    hitRate: pai.hitRate,
    pai: pai.pai,
    pei: bestRate > 0 ? pai.hitRate / bestRate : null,
  };
}

/** Reports per lattice cell in one month, and all of that month's reports. */
export function observedInMonth(
  lattice: SquareLattice,
  records: PreparedRecords,
  month: number,
): { observed: Int32Array; reports: number } {
  const observed = new Int32Array(latticeSize(lattice));
  let reports = 0;
  for (let k = 0; k < records.months.length; k++) {
    if (records.months[k] !== month) continue;
    reports += 1;
    const slot = records.slots[k]!;
    if (slot >= 0) observed[slot]! += 1;
  }
  return { observed, reports };
}

export interface BacktestRow {
  readonly method: ForecastMethod;
  /** `YYYY-MM` tested, and the training months before it. */
  readonly testMonth: string;
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly coverage: number;
  readonly score: ForecastScore;
  /** Naive prior counts on the same months, cells and coverage. */
  readonly naive: ForecastScore;
  /** Blended rows: the weight used, chosen on the earlier test months only. */
  readonly blendWeight?: number;
}

export interface BacktestOptions {
  /** First and last month of the range, `YYYY-MM`: every month after the first is tested. */
  readonly from: string;
  readonly to: string;
  readonly coverages: readonly number[];
  readonly methods: readonly ForecastMethod[];
  /** Train on at most this many preceding months (default: every month since `from`). */
  readonly windowMonths?: number;
  /** Fixed parameters; a `blendWeight` given here is used as is, never tuned. */
  readonly params?: Partial<ForecastParams>;
}

/** Ordinals of `from` and `to` (`YYYY-MM`), checked. */
export function monthRange(from: string, to: string): { first: number; last: number } {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) {
      throw new AnalysisInputError('INVALID_PARAMETER', `${name} must be a month, YYYY-MM.`, {
        parameter: name,
      });
    }
  }
  const first = monthOrdinal(from);
  const last = monthOrdinal(to);
  if (last < first) {
    throw new AnalysisInputError('INVALID_PARAMETER', '`to` must not be before `from`.', {
      parameter: 'to',
    });
  }
  return { first, last };
}

/**
 * One test month of a backtest: its observed counts, and each method's best `maxTake` cells,
 * scored once and kept, since the blend weights, coverages and later months' tuning all ask
 * for the same rankings.
 */
function testMonth(
  lattice: SquareLattice,
  records: PreparedRecords,
  test: number,
  trainFrom: number,
  params: Partial<ForecastParams> | undefined,
  maxTake: number,
) {
  const { observed, reports } = observedInMonth(lattice, records, test);
  const scores = new Map<ForecastMethod, Float64Array>();
  const scored = (method: ForecastMethod) => {
    let s = scores.get(method);
    if (!s) {
      s = scoreCells(lattice, records, {
        method,
        targetMonth: test,
        firstMonth: trainFrom,
        ...(params ? { params } : {}),
      });
      scores.set(method, s);
    }
    return s;
  };
  const tops = new Map<string, number[]>();
  const top = (method: ForecastMethod, blendWeight: number) => {
    const key = method === 'blended' ? `blended|${blendWeight}` : method;
    let t = tops.get(key);
    if (!t) {
      const s =
        method === 'blended'
          ? blendScores(scored('naive'), scored('prospective'), blendWeight)
          : scored(method);
      t = topPositions(s, maxTake);
      tops.set(key, t);
    }
    return t;
  };
  const hits = (method: ForecastMethod, blendWeight: number, take: number) => {
    let h = 0;
    for (const p of top(method, blendWeight).slice(0, take)) h += observed[p]!;
    return h;
  };
  return { test, trainFrom, observed, reports, top, hits };
}

type TestMonth = ReturnType<typeof testMonth>;

/**
 * The blend weight that caught the most reports over `months` (ties to the smaller weight), or
 * the fixed one when given; with no month to judge by, the first of BLEND_WEIGHTS (0).
 */
function tunedBlendWeight(
  months: readonly TestMonth[],
  take: number,
  fixed: number | undefined,
): number {
  if (fixed !== undefined) return fixed;
  let best: number = BLEND_WEIGHTS[0];
  let bestHits = -1;
  for (const w of BLEND_WEIGHTS) {
    let h = 0;
    for (const m of months) h += m.hits('blended', w, take);
    if (h > bestHits) {
      best = w;
      bestHits = h;
    }
  }
  return best;
}

function rollingBacktest(
  lattice: SquareLattice,
  records: PreparedRecords,
  options: BacktestOptions,
) {
  const { first, last } = monthRange(options.from, options.to);
  if (last === first) {
    throw new AnalysisInputError(
      'INVALID_PARAMETER',
      'A backtest needs at least two months: one to train on and one to test.',
      { parameter: 'to' },
    );
  }
  for (const c of options.coverages) requireNumberInRange('coverage', c, 0.001, 1);
  const cells = latticeSize(lattice);
  const takeOf = (coverage: number) => Math.floor(cells * coverage + 1e-9);
  const maxTake = Math.max(0, ...options.coverages.map(takeOf));
  const months: TestMonth[] = [];
  for (let test = first + 1; test <= last; test++) {
    const trainFrom = options.windowMonths ? Math.max(first, test - options.windowMonths) : first;
    months.push(testMonth(lattice, records, test, trainFrom, options.params, maxTake));
  }
  const fixedWeight = options.params?.blendWeight;
  const rows: BacktestRow[] = [];
  months.forEach((month, index) => {
    for (const method of options.methods) {
      for (const coverage of options.coverages) {
        const take = takeOf(coverage);
        const naive = scoreFlagged(
          month.top('naive', 0).slice(0, take),
          month.observed,
          month.reports,
        );
        // The weight a forecast for this month would have used: tuned on the months before.
        const blendWeight =
          method === 'blended'
            ? tunedBlendWeight(months.slice(0, index), take, fixedWeight)
            : undefined;
        const score =
          method === 'naive'
            ? naive
            : scoreFlagged(
                month.top(method, blendWeight ?? 0).slice(0, take),
                month.observed,
                month.reports,
              );
        rows.push({
          method,
          testMonth: monthOfOrdinal(month.test),
          trainFrom: monthOfOrdinal(month.trainFrom),
          trainTo: monthOfOrdinal(month.test - 1),
          coverage,
          score,
          naive,
          ...(blendWeight === undefined ? {} : { blendWeight }),
        });
      }
    }
  });
  return {
    rows,
    /** The weight a forecast for the month after `to` would use at this coverage. */
    blendWeightAfter: (coverage: number) => tunedBlendWeight(months, takeOf(coverage), fixedWeight),
  };
}

/**
 * Rolling-origin backtest: for every month after `from` up to `to`, train on the months before
 * it (from `from`, or the last `windowMonths`) and test on it, for each method and coverage,
 * with naive prior counts on the same split beside each row. Chainey, Tompson and Uhlig (2008)
 * compare hotspot methods this way, by hit rate and PAI at a fixed share of the area. The
 * blended method's weight for each test month is tuned on the test months before it, as a
 * forecast made then would have been: the month being scored is never looked at.
 */
export function backtest(
  lattice: SquareLattice,
  records: PreparedRecords,
  options: BacktestOptions,
): BacktestRow[] {
  return rollingBacktest(lattice, records, options).rows;
}

export interface ForecastChoice {
  readonly method: ForecastMethod;
  /** The parameters to forecast with (the blend weight as tuned). */
  readonly params: ForecastParams;
  /** Why, in a sentence. */
  readonly chosenBy: string;
  /** The training months' backtest the choice rests on (empty with one training month). */
  readonly rows: readonly BacktestRow[];
}

/**
 * The default forecast for the month after `to`, chosen on the training months alone: a rolling
 * backtest over them (train on `from`, test the next, ...) at `coverage`, every method, the
 * blend weight tuned on the same months; the method that caught the most reports wins, ties to
 * naive counts, then the earlier in FORECAST_METHODS. With a single training month there is
 * nothing to test on, and counts with neighbours breaking ties (weight 0) is used: it keeps
 * naive counts' order, fills the squares they leave empty, and beat them on police.uk and on
 * CSE-density data (west-mercia.test.ts, defaults-evidence.test.ts).
 */
export function chooseForecast(
  lattice: SquareLattice,
  records: PreparedRecords,
  options: { readonly from: string; readonly to: string; readonly coverage: number },
): ForecastChoice {
  const { first, last } = monthRange(options.from, options.to);
  requireNumberInRange('coverage', options.coverage, 0.001, 1);
  if (last === first) {
    return {
      method: 'blended',
      params: DEFAULT_FORECAST_PARAMS,
      chosenBy: 'one training month, nothing to backtest: counts with neighbours breaking ties',
      rows: [],
    };
  }
  const run = rollingBacktest(lattice, records, {
    from: options.from,
    to: options.to,
    coverages: [options.coverage],
    methods: FORECAST_METHODS,
  });
  const method = bestMethod(run.rows);
  return {
    method,
    params: { ...DEFAULT_FORECAST_PARAMS, blendWeight: run.blendWeightAfter(options.coverage) },
    chosenBy: 'backtest of the training months (ties go to naive)',
    rows: run.rows,
  };
}

export interface MethodTotals {
  readonly method: ForecastMethod;
  readonly coverage: number;
  readonly hits: number;
  readonly reports: number;
  /** Hits / reports over every test month. */
  readonly hitRate: number;
  readonly naiveHits: number;
  readonly naiveHitRate: number;
}

/** Hits and reports summed over the test months, per method and coverage. */
export function backtestTotals(rows: readonly BacktestRow[]): MethodTotals[] {
  const totals = new Map<
    string,
    { method: ForecastMethod; coverage: number; hits: number; reports: number; naiveHits: number }
  >();
  for (const r of rows) {
    const key = `${r.method}|${r.coverage}`;
    const t = totals.get(key) ?? {
      method: r.method,
      coverage: r.coverage,
      hits: 0,
      reports: 0,
      naiveHits: 0,
    };
    t.hits += r.score.hits;
    t.reports += r.score.reports;
    t.naiveHits += r.naive.hits;
    totals.set(key, t);
  }
  return [...totals.values()].map((t) => ({
    ...t,
    hitRate: t.reports > 0 ? t.hits / t.reports : 0,
    naiveHitRate: t.reports > 0 ? t.naiveHits / t.reports : 0,
  }));
}

/**
 * The method that caught the most test-month reports, summed over every month and coverage of
 * the backtest; naive prior counts unless another strictly beats it (and, between others tied,
 * the earlier in FORECAST_METHODS).
 */
export function bestMethod(rows: readonly BacktestRow[]): ForecastMethod {
  const hits = new Map<ForecastMethod, number>();
  for (const r of rows) hits.set(r.method, (hits.get(r.method) ?? 0) + r.score.hits);
  let best: ForecastMethod = 'naive';
  let bestHits = hits.get('naive') ?? Number.NEGATIVE_INFINITY;
  for (const m of FORECAST_METHODS) {
    const h = hits.get(m);
    if (h !== undefined && h > bestHits) {
      best = m;
      bestHits = h;
    }
  }
  return best;
}

const percent = (v: number) => `${Math.round(v * 100)} %`;

/**
 * One sentence for the meeting pack, e.g. "Last 6 months: the forecast's top 5 % of the area
 * held 71 % of reports; naive counts 64 %." Uses the given method at the given coverage.
 */
export function backtestSummary(
  rows: readonly BacktestRow[],
  method: ForecastMethod,
  coverage: number,
): string {
  const t = backtestTotals(rows).find((x) => x.method === method && x.coverage === coverage);
  if (!t || t.reports === 0)
    return 'No reports fell in the tested months, so there is nothing to score.';
  const months = new Set(rows.map((r) => r.testMonth)).size;
  const span = months === 1 ? 'Last month' : `Last ${months} months`;
  if (method === 'naive') {
    return `${span}: naive prior counts' top ${percent(coverage)} of the area held ${percent(t.hitRate)} of reports.`;
  }
  return `${span}: the ${method} forecast's top ${percent(coverage)} of the area held ${percent(t.hitRate)} of reports; naive prior counts ${percent(t.naiveHitRate)}.`;
}
