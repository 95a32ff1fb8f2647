// Over 400 lines because the forecast methods, the backtest and the blend tuning share one
// representation (month layers over a lattice) and its helpers; split, each part would reach
// into the others' internals.
import { toEpochMs } from '../common/time.ts';
import type { TimedPoint } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';
import { predictiveAccuracyIndex } from '../evaluation/evaluation.ts';
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
  const params = forecastParams(options.params);
  const { method, targetMonth, firstMonth } = options;
  if (method === 'blended') {
    const counts = scoreCells(lattice, records, { ...options, method: 'naive' });
    const near = scoreCells(lattice, records, { ...options, method: 'prospective' });
    return blendScores(counts, near, params.blendWeight);
  }
  const terms = methodTerms(monthLayers(lattice, records), method, targetMonth, firstMonth, params);
  return addTerms(new Float64Array(latticeSize(lattice)), terms);
}

/** The parameters with the defaults filled in, each checked. */
function forecastParams(given: Partial<ForecastParams> | undefined): ForecastParams {
  const params = { ...DEFAULT_FORECAST_PARAMS, ...given };
  requireNumberInRange('halfLifeMonths', params.halfLifeMonths, 0.05, 120);
  requireNumberInRange('radiusMeters', params.radiusMeters, 0, 10_000);
  requireNumberInRange('bandMeters', params.bandMeters, 1, 10_000);
  requireNumberInRange('timeWindowMonths', params.timeWindowMonths, 1, 120);
  requireNumberInRange('blendWeight', params.blendWeight, 0, 100);
  return params;
}

/**
 * One month's reports on the lattice: the cells they reach (a few thousand of a 50 m lattice's
 * hundreds of thousands) and each cell's value there.
 */
interface SparseLayer {
  readonly slots: Int32Array;
  readonly values: Float64Array;
}

/** A method's scores as month layers times weights, the earliest month first. */
type Terms = readonly { readonly layer: SparseLayer; readonly weight: number }[];

type LayeredMethod = Exclude<ForecastMethod, 'blended'>;

function methodTerms(
  layers: MonthLayers,
  method: LayeredMethod,
  targetMonth: number,
  firstMonth: number,
  params: ForecastParams,
): Terms {
  if (method === 'naive' || method === 'recency') {
    return layers.monthsIn(firstMonth, targetMonth).map((m) => ({
      layer: layers.counts(m),
      weight: method === 'naive' ? 1 : 0.5 ** ((targetMonth - m - 1) / params.halfLifeMonths),
    }));
  }
  const earliest = Math.max(firstMonth, targetMonth - params.timeWindowMonths);
  return layers.monthsIn(earliest, targetMonth).map((m) => ({
    layer: layers.near(m, params.radiusMeters, params.bandMeters),
    weight: 1 / (1 + (targetMonth - m - 1)),
  }));
}

/**
 * Adds Σ weight × layer into `out`, at `index[slot]` when an index is given (scores kept for a
 * few cells only), else at the slot. Each cell's terms are added month by month, as a sum over
 * every cell of the lattice would add them (the cells a month misses add 0), so every score,
 * and so every tie, is the same to the last bit.
 */
function addTerms(out: Float64Array, terms: Terms, index?: Int32Array): Float64Array {
  for (const { layer, weight } of terms) {
    const { slots, values } = layer;
    if (index) {
      for (let e = 0; e < slots.length; e++) out[index[slots[e]!]!]! += weight * values[e]!;
    } else {
      for (let e = 0; e < slots.length; e++) out[slots[e]!]! += weight * values[e]!;
    }
  }
  return out;
}

/**
 * One month's reports laid on the lattice, computed once per record set and summed per forecast:
 * a backtest over a year asks for each month's counts and prospective weights a dozen times,
 * and a blend asks again for every weight it tries. Kept sparse, so a score costs the cells the
 * reports reach, not the whole lattice per month.
 */
class MonthLayers {
  readonly #byMonth = new Map<number, number[]>();
  readonly #counts = new Map<number, SparseLayer>();
  readonly #near = new Map<string, SparseLayer>();
  /** A lattice-sized array, all zeros between uses, that a layer is summed in. */
  #scratch: Float64Array | undefined;

  constructor(
    readonly lattice: SquareLattice,
    readonly records: PreparedRecords,
  ) {
    for (let k = 0; k < records.months.length; k++) {
      const m = records.months[k]!;
      const list = this.#byMonth.get(m);
      if (list) list.push(k);
      else this.#byMonth.set(m, [k]);
    }
  }

  /** Months in [from, to) holding any record, ascending. */
  monthsIn(from: number, to: number): number[] {
    return [...this.#byMonth.keys()].filter((m) => m >= from && m < to).sort((a, b) => a - b);
  }

  /** Reports per cell in month `m` (reports outside the area add nothing). */
  counts(m: number): SparseLayer {
    let layer = this.#counts.get(m);
    if (!layer) {
      const { slots } = this.records;
      const dense = this.#zeros();
      for (const k of this.#byMonth.get(m) ?? []) {
        const slot = slots[k]!;
        if (slot >= 0) dense[slot]! += 1;
      }
      layer = takeSparse(dense);
      this.#counts.set(m, layer);
    }
    return layer;
  }

  /**
   * Σ 1/(1 + distance band) over month `m`'s reports within `radiusMeters` of each cell's centre
   * (the report's own cell always counts); a report just outside the area raises the cells
   * inside near it.
   */
  near(m: number, radiusMeters: number, bandMeters: number): SparseLayer {
    const key = `${m}|${radiusMeters}|${bandMeters}`;
    let layer = this.#near.get(key);
    if (layer) return layer;
    const { sizeMeters: s, i0, j0, cols, rows, slot: slotAt } = this.lattice;
    const { xs, ys } = this.records;
    const reach = Math.ceil(radiusMeters / s) + 1;
    const r2 = radiusMeters * radiusMeters;
    const dense = this.#zeros();
    for (const k of this.#byMonth.get(m) ?? []) {
      const x = xs[k]!;
      const y = ys[k]!;
      const c0 = Math.floor(x / s) - i0;
      const r0 = Math.floor(y / s) - j0;
      for (let dr = -reach; dr <= reach; dr++) {
        const r = r0 + dr;
        if (r < 0 || r >= rows) continue;
        const cy = (j0 + r + 0.5) * s - y;
        for (let dc = -reach; dc <= reach; dc++) {
          const c = c0 + dc;
          if (c < 0 || c >= cols) continue;
          const slot = slotAt[r * cols + c]!;
          if (slot < 0) continue;
          const cx = (i0 + c + 0.5) * s - x;
          const d2 = cx * cx + cy * cy;
          // The report's own cell always counts, whatever the radius.
          if (d2 > r2 && !(dr === 0 && dc === 0)) continue;
          dense[slot]! += 1 / (1 + Math.floor(Math.sqrt(d2) / bandMeters));
        }
      }
    }
    layer = takeSparse(dense);
    this.#near.set(key, layer);
    return layer;
  }

  /** The lattice-sized array layers are summed in, all zeros (`takeSparse` leaves it so). */
  #zeros(): Float64Array {
    this.#scratch ??= new Float64Array(latticeSize(this.lattice));
    return this.#scratch;
  }
}

/** The cells of `dense` not 0, ascending, as a sparse layer; `dense` is left all zeros. */
function takeSparse(dense: Float64Array): SparseLayer {
  let count = 0;
  for (let p = 0; p < dense.length; p++) if (dense[p] !== 0) count += 1;
  const slots = new Int32Array(count);
  const values = new Float64Array(count);
  let e = 0;
  for (let p = 0; p < dense.length && e < count; p++) {
    if (dense[p] === 0) continue;
    slots[e] = p;
    values[e++] = dense[p]!;
    dense[p] = 0;
  }
  return { slots, values };
}

// Layers by record set: a PreparedRecords belongs to one lattice and lives as long as a request
// or a backtest, and its layers go with it.
const layersByRecords = new WeakMap<PreparedRecords, MonthLayers>();

function monthLayers(lattice: SquareLattice, records: PreparedRecords): MonthLayers {
  let layers = layersByRecords.get(records);
  if (!layers || layers.lattice !== lattice) {
    layers = new MonthLayers(lattice, records);
    layersByRecords.set(records, layers);
  }
  return layers;
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
    for (let p = 0; p < near.length; p++) if (near[p]! > max) max = near[p]!;
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
 * lattice has a hundred thousand cells near some report. The cells are found as `topSet` finds
 * them; only those are ordered by score and position.
 */
export function topPositions(scores: Float64Array, take: number): number[] {
  if (take <= 0) return [];
  return Array.from(selectCuts(scores, [take])[0]!).sort(
    (a, b) => scores[b]! - scores[a]! || a - b,
  );
}

/**
 * The same cells as `topPositions(scores, take)`, in position order: scoring flagged cells needs
 * only which they are, and finding them takes no sort.
 */
export function topSet(scores: Float64Array, take: number): number[] {
  return topSets(scores, [take])[0]!;
}

/**
 * `topSet` for several cuts of the same scores at once (a backtest's coverages): one selection
 * over the positive scores for the largest cut, then each smaller cut selected among those.
 */
export function topSets(scores: Float64Array, takes: readonly number[]): number[][] {
  return selectCuts(scores, takes).map((picked) => Array.from(picked));
}

/**
 * `topSets` as indices into `values` (ascending): for each cut, the `take` highest values above
 * 0, ties by index. The largest cut is found among the candidates, the values at or above a
 * floor that enough of them reach (estimated from a sample; every positive value when that
 * falls short), and each smaller cut among the cut before: a smaller cut's threshold is no
 * lower, and at an equal threshold it takes the first of the same tied cells, so the cuts nest.
 */
function selectCuts(values: Float64Array, takes: readonly number[]): Int32Array[] {
  const largest = Math.max(0, ...takes);
  let candidates = valuesAbove(values, sampledFloor(values, largest));
  if (candidates.index.length < Math.min(largest, candidates.positives)) {
    candidates = valuesAbove(values, 0);
  }
  const { index, positives } = candidates;
  const size = takes.map((t) => Math.min(Math.max(0, t), positives));
  const order = takes.map((_, i) => i).sort((x, y) => size[y]! - size[x]!);
  // Per cut: the threshold score, and how many cells at exactly the threshold it takes; a cut
  // at least as large as the positive cells takes them all (threshold 0).
  const threshold = new Float64Array(takes.length);
  const atThreshold = new Int32Array(takes.length);
  let top = Float64Array.from(candidates.value);
  let previous = -1;
  for (const i of order) {
    const take = size[i]!;
    if (take === 0) {
      threshold[i] = Number.POSITIVE_INFINITY;
    } else if (take < positives) {
      if (previous >= 0 && take === size[previous]) {
        threshold[i] = threshold[previous]!;
        atThreshold[i] = atThreshold[previous]!;
        continue;
      }
      const t = kthLargest(top, take);
      top = top.subarray(0, take);
      let above = 0;
      for (let k = 0; k < take; k++) if (top[k]! > t) above += 1;
      threshold[i] = t;
      atThreshold[i] = take - above;
      previous = i;
    }
  }
  const out: Int32Array[] = new Array(takes.length);
  let within: ArrayLike<number> = index;
  for (const i of order) {
    const t = threshold[i]!;
    let ties = atThreshold[i]!;
    const picked = new Int32Array(size[i]!);
    let count = 0;
    for (let e = 0; e < within.length; e++) {
      const k = within[e]!;
      const v = values[k]!;
      if (v > t) picked[count++] = k;
      else if (v === t && ties > 0) {
        picked[count++] = k;
        ties -= 1;
      }
    }
    out[i] = picked;
    within = picked;
  }
  return out;
}

/**
 * A floor at most the `take`-th largest of `values`, all but rarely, from every 1/1024th value:
 * the sample's value a few standard deviations past the rank the `take`-th largest would have
 * in it. 0 when there is nothing to gain (few values, or a cut near all of them).
 */
function sampledFloor(values: Float64Array, take: number): number {
  const m = values.length;
  const samples = 1024;
  if (m <= 4 * samples || take <= 0) return 0;
  const sample = new Float64Array(samples);
  for (let j = 0; j < samples; j++) sample[j] = values[Math.floor((j * m) / samples)]!;
  sample.sort();
  const expected = (take * samples) / m;
  const rank = Math.ceil(expected + 3 * Math.sqrt(expected) + 8);
  return rank >= samples ? 0 : Math.max(0, sample[samples - 1 - rank]!);
}

/** The positions (ascending) and values of `values` above 0 and at least `floor`. */
function valuesAbove(values: Float64Array, floor: number) {
  const index: number[] = [];
  const value: number[] = [];
  let positives = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!(v > 0)) continue;
    positives += 1;
    if (v >= floor) {
      index.push(k);
      value.push(v);
    }
  }
  return { index, value, positives };
}

/**
 * The k-th largest of `values` (1-based), reordering them: quickselect with a three-way
 * partition, since counts repeat (many squares hold exactly one report).
 */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const a = values[lo]!;
    const b = values[(lo + hi) >> 1]!;
    const c = values[hi]!;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    // Larger first: [lo, lt) > pivot, [lt, gt] = pivot, (gt, hi] < pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = values[i]!;
      if (v > pivot) {
        values[i] = values[lt]!;
        values[lt] = v;
        lt++;
        i++;
      } else if (v < pivot) {
        values[i] = values[gt]!;
        values[gt] = v;
        gt--;
      } else i++;
    }
    if (target < lt) hi = lt - 1;
    else if (target > gt) lo = gt + 1;
    else return pivot;
  }
  return values[lo]!;
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
  let hits = 0;
  for (const p of flagged) hits += observed[p]!;
  return scoreHits(flagged.length, hits, observed, reports);
}

/** `scoreFlagged` of `flaggedCells` cells that caught `hits` of the month's reports. */
function scoreHits(
  flaggedCells: number,
  hits: number,
  observed: Int32Array,
  reports: number,
): ForecastScore {
  const cells = observed.length;
  const areaFraction = cells === 0 ? 0 : flaggedCells / cells;
  const pai = predictiveAccuracyIndex({
    hits,
    totalReports: reports,
    flaggedArea: flaggedCells,
    totalArea: cells,
  });
  if (!pai.computable) {
    return {
      flaggedCells,
      areaFraction,
      hits,
      reports,
      hitRate: reports > 0 ? hits / reports : 0,
      pai: null,
      pei: null,
    };
  }
  // The best any choice of as many cells could catch: the busiest cells' counts, summed.
  const best = bestHits(observed, flaggedCells);
  const bestRate = best / reports;
  return {
    flaggedCells,
    areaFraction,
    hits,
    reports,
    hitRate: pai.hitRate,
    pai: pai.pai,
    pei: bestRate > 0 ? pai.hitRate / bestRate : null,
  };
}

// Test-month counts, busiest first, as running sums: a backtest scores every method and
// coverage of a month against the same counts.
const bestPrefixes = new WeakMap<Int32Array, Float64Array>();

/**
 * Reports in the `take` busiest cells of `observed`: the numerator of the best hit rate at that
 * area (`hitRateAtCoverage` of the observed counts themselves). Only cells where reports fell
 * can add to it, so only those are sorted (a 50 m lattice has hundreds of thousands of cells).
 */
function bestHits(observed: Int32Array, take: number): number {
  let prefix = bestPrefixes.get(observed);
  if (!prefix) {
    let count = 0;
    for (let p = 0; p < observed.length; p++) if (observed[p]! > 0) count += 1;
    // Ascending by the typed array's own numeric sort, then summed from the busiest end.
    const holding = new Int32Array(count);
    let k = 0;
    for (let p = 0; p < observed.length; p++) if (observed[p]! > 0) holding[k++] = observed[p]!;
    holding.sort();
    prefix = new Float64Array(count + 1);
    for (let e = 0; e < count; e++) prefix[e + 1] = prefix[e]! + holding[count - 1 - e]!;
    bestPrefixes.set(observed, prefix);
  }
  return prefix[Math.min(take, prefix.length - 1)]!;
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

/** Blend hits of one test month: by weight, then coverage. */
type BlendHits = ReadonlyMap<number, ReadonlyMap<number, number>>;

/**
 * The blend weight that caught the most reports over the months' `hits` at `coverage` (ties to
 * the smaller weight), or the fixed one when given; with no month to judge by, the first of
 * BLEND_WEIGHTS (0).
 */
function tunedBlendWeight(
  months: readonly BlendHits[],
  coverage: number,
  fixed: number | undefined,
): number {
  if (fixed !== undefined) return fixed;
  let best: number = BLEND_WEIGHTS[0];
  let bestHits = -1;
  for (const w of BLEND_WEIGHTS) {
    let h = 0;
    for (const m of months) h += m.get(w)?.get(coverage) ?? 0;
    if (h > bestHits) {
      best = w;
      bestHits = h;
    }
  }
  return best;
}

/**
 * The lattice positions any of the terms reach, ascending; `index` then gives each one's place
 * in that list. `reached` is all zeros before and after.
 */
function reachedCells(terms: readonly Terms[], reached: Uint8Array, index: Int32Array): Int32Array {
  let count = 0;
  for (const t of terms) {
    for (const { layer } of t) {
      for (let e = 0; e < layer.slots.length; e++) {
        const slot = layer.slots[e]!;
        if (reached[slot] === 0) {
          reached[slot] = 1;
          count += 1;
        }
      }
    }
  }
  const positions = new Int32Array(count);
  let k = 0;
  for (let p = 0; p < reached.length && k < count; p++) {
    if (reached[p] === 0) continue;
    reached[p] = 0;
    index[p] = k;
    positions[k++] = p;
  }
  return positions;
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
  const takes = options.coverages.map(takeOf);
  const params = forecastParams(options.params);
  const fixedWeight = options.params?.blendWeight;
  const tuneBlend = options.methods.includes('blended') && fixedWeight === undefined;
  const layers = monthLayers(lattice, records);
  const layered = [
    ...new Set<LayeredMethod>([
      'naive',
      ...options.methods.flatMap((m): LayeredMethod[] =>
        m === 'blended' ? ['naive', 'prospective'] : [m],
      ),
    ]),
  ];
  const reached = new Uint8Array(cells);
  const index = new Int32Array(cells);
  const blendHits: BlendHits[] = [];
  const rows: BacktestRow[] = [];
  // Month by month, so each month's score arrays can go once it is scored; only the blend's
  // hits per weight are kept, for tuning the months after.
  for (let test = first + 1; test <= last; test++) {
    const trainFrom = options.windowMonths ? Math.max(first, test - options.windowMonths) : first;
    const { observed, reports } = observedInMonth(lattice, records, test);
    // Scores only for the cells some report reaches (every other cell scores 0 by every
    // method), in lattice order, so ties fall as in `scoreCells` and `rankCells`.
    const terms = new Map(
      layered.map((m) => [m, methodTerms(layers, m, test, trainFrom, params)] as const),
    );
    const positions = reachedCells([...terms.values()], reached, index);
    const scores = new Map<LayeredMethod, Float64Array>();
    const scored = (method: LayeredMethod) => {
      let s = scores.get(method);
      if (!s) {
        s = addTerms(new Float64Array(positions.length), terms.get(method)!, index);
        scores.set(method, s);
      }
      return s;
    };
    // Each score array judged at every coverage at once.
    const judgeAll = (s: Float64Array) => {
      const cuts = selectCuts(s, takes);
      return new Map(
        options.coverages.map((c, i) => {
          const cut = cuts[i]!;
          let hits = 0;
          for (let e = 0; e < cut.length; e++) hits += observed[positions[cut[e]!]!]!;
          return [c, scoreHits(cut.length, hits, observed, reports)];
        }),
      );
    };
    // The weight a forecast for this month would have used: tuned on the months before.
    const weights = new Map(
      options.coverages.map((c) => [c, tunedBlendWeight(blendHits, c, fixedWeight)]),
    );
    const blended = new Map<number, Map<number, ForecastScore>>();
    const blendScore = (w: number) => {
      let byCoverage = blended.get(w);
      if (!byCoverage) {
        byCoverage = judgeAll(blendScores(scored('naive'), scored('prospective'), w));
        blended.set(w, byCoverage);
      }
      return byCoverage;
    };
    if (tuneBlend) {
      blendHits.push(
        new Map(
          BLEND_WEIGHTS.map((w) => [
            w,
            new Map([...blendScore(w)].map(([c, score]) => [c, score.hits])),
          ]),
        ),
      );
    }
    const naiveAt = judgeAll(scored('naive'));
    for (const method of options.methods) {
      const byCoverage =
        method === 'naive' ? naiveAt : method === 'blended' ? undefined : judgeAll(scored(method));
      for (const coverage of options.coverages) {
        const blendWeight = method === 'blended' ? weights.get(coverage)! : undefined;
        const score =
          blendWeight === undefined
            ? byCoverage!.get(coverage)!
            : blendScore(blendWeight).get(coverage)!;
        rows.push({
          method,
          testMonth: monthOfOrdinal(test),
          trainFrom: monthOfOrdinal(trainFrom),
          trainTo: monthOfOrdinal(test - 1),
          coverage,
          score,
          naive: naiveAt.get(coverage)!,
          ...(blendWeight === undefined ? {} : { blendWeight }),
        });
      }
    }
  }
  return {
    rows,
    /** The weight a forecast for the month after `to` would use at this coverage. */
    blendWeightAfter: (coverage: number) => tunedBlendWeight(blendHits, coverage, fixedWeight),
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
