// Over 400 lines because the time slicing, the space-time Gi* and the pattern classification follow
// ArcGIS's definitions step by step, in one reading.
import { toEpochMs } from '../common/time.ts';
import type { TimedPoint } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';
import { benjaminiHochbergThreshold, getisOrdLocal } from '../getis-ord/getis-ord.ts';
import {
  defaultDistanceBand,
  distanceBandNeighbours,
  MIN_CELLS_WITH_DATA,
} from '../gistar/gistar.ts';
import {
  type HexCellRef,
  hexCell,
  hexesCoveringArea,
  hexesToGeoJson,
  hexIndexAt,
  type StudyArea,
} from '../hex-grid/hex-grid.ts';
import { type MannKendallResult, mannKendall } from './mann-kendall.ts';

/** One sentence for a tasking meeting. */
export const EMERGING_HOTSPOTS_EXPLANATION =
  'Emerging hot spot analysis repeats the hot spot test for every week or month and then looks at each hexagon over time, labelling it new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical so the meeting can see which problems are growing, settled or fading.';

export type EmergingPattern =
  | 'no_pattern'
  | 'new_hot_spot'
  | 'consecutive_hot_spot'
  | 'intensifying_hot_spot'
  | 'persistent_hot_spot'
  | 'diminishing_hot_spot'
  | 'sporadic_hot_spot'
  | 'oscillating_hot_spot'
  | 'historical_hot_spot'
  | 'new_cold_spot'
  | 'consecutive_cold_spot'
  | 'intensifying_cold_spot'
  | 'persistent_cold_spot'
  | 'diminishing_cold_spot'
  | 'sporadic_cold_spot'
  | 'oscillating_cold_spot'
  | 'historical_cold_spot';

/** Legend text for each pattern (hot-spot wording; cold spots mirror it), after ArcGIS Pro. */
export const EMERGING_PATTERN_DEFINITIONS: Readonly<Record<EmergingPattern, string>> = {
  no_pattern: 'Does not fit any of the hot or cold spot patterns.',
  new_hot_spot: 'A significant hot spot in the final period and never significant before.',
  consecutive_hot_spot:
    'An unbroken run of at least two significant hot spot periods at the end, never significant before the run, and hot in under 90 % of periods.',
  intensifying_hot_spot:
    'A significant hot spot in at least 90 % of periods including the last, and getting significantly hotter.',
  persistent_hot_spot:
    'A significant hot spot in at least 90 % of periods including the last, with no significant trend.',
  diminishing_hot_spot:
    'A significant hot spot in at least 90 % of periods including the last, and significantly cooling.',
  sporadic_hot_spot:
    'A significant hot spot in the final period that has been on and off, hot in under 90 % of periods and never a cold spot.',
  oscillating_hot_spot:
    'A significant hot spot in the final period that was a significant cold spot earlier, hot in under 90 % of periods.',
  historical_hot_spot:
    'Not hot in the final period but a significant hot spot in at least 90 % of periods.',
  new_cold_spot: 'A significant cold spot in the final period and never significant before.',
  consecutive_cold_spot:
    'An unbroken run of at least two significant cold spot periods at the end, never significant before the run, and cold in under 90 % of periods.',
  intensifying_cold_spot:
    'A significant cold spot in at least 90 % of periods including the last, and getting significantly colder.',
  persistent_cold_spot:
    'A significant cold spot in at least 90 % of periods including the last, with no significant trend.',
  diminishing_cold_spot:
    'A significant cold spot in at least 90 % of periods including the last, and significantly warming.',
  sporadic_cold_spot:
    'A significant cold spot in the final period that has been on and off, cold in under 90 % of periods and never a hot spot.',
  oscillating_cold_spot:
    'A significant cold spot in the final period that was a significant hot spot earlier, cold in under 90 % of periods.',
  historical_cold_spot:
    'Not cold in the final period but a significant cold spot in at least 90 % of periods.',
};

/**
 * Classifies one location from its per-period Gi* z-scores and significance flags, and the
 * Mann-Kendall trend of those z-scores (significant when trend p < alpha).
 *
 * The definitions are ArcGIS Pro's ("How Emerging Hot Spot Analysis works"). Where its wording
 * leaves a choice we follow sfdep's `classify_hotspot`: "new" and "consecutive" require no
 * significant period of either sign before (a cold spot that turns hot is oscillating). Where the two
 * disagree we follow ArcGIS: sporadic and oscillating need the final period to be significant
 * (sfdep labels past-only activity sporadic; here it is no pattern, unless it reaches 90 %:
 * historical), and historical means "not hot in the final period" (sfdep requires a negative z).
 * The 90 % rule is `count / n >= 0.9`.
 */
export function classifyEmergingPattern(
  z: readonly number[],
  significant: readonly boolean[],
  trend: Pick<MannKendallResult, 'z' | 'p'>,
  alpha: number,
): EmergingPattern {
  const n = z.length;
  if (n === 0) return 'no_pattern';
  const hot = z.map((v, t) => Boolean(significant[t]) && v > 0);
  const cold = z.map((v, t) => Boolean(significant[t]) && v < 0);
  const hotShare = hot.filter(Boolean).length / n;
  const coldShare = cold.filter(Boolean).length / n;
  const trendUp = trend.p < alpha && trend.z > 0;
  const trendDown = trend.p < alpha && trend.z < 0;

  const classify = (
    same: boolean[],
    other: boolean[],
    share: number,
    intensifying: boolean,
    diminishing: boolean,
    kind: 'hot' | 'cold',
  ): EmergingPattern | null => {
    if (!same[n - 1]) return share >= 0.9 ? `historical_${kind}_spot` : null;
    const sigCount = significant.filter(Boolean).length;
    if (same.filter(Boolean).length === 1 && sigCount === 1) return `new_${kind}_spot`;
    if (share >= 0.9) {
      if (intensifying) return `intensifying_${kind}_spot`;
      if (diminishing) return `diminishing_${kind}_spot`;
      return `persistent_${kind}_spot`;
    }
    let run = 0;
    while (run < n && same[n - 1 - run]) run++;
    const before = significant.slice(0, n - run);
    if (run >= 2 && !before.some(Boolean)) return `consecutive_${kind}_spot`;
    if (other.some(Boolean)) return `oscillating_${kind}_spot`;
    return `sporadic_${kind}_spot`;
  };

  return (
    classify(hot, cold, hotShare, trendUp, trendDown, 'hot') ??
    classify(cold, hot, coldShare, trendDown, trendUp, 'cold') ??
    'no_pattern'
  );
}

export type TimeSliceUnit = 'week' | 'month';

export interface TimeSlice {
  readonly index: number;
  /** Inclusive start and exclusive end, ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday; weeks start on Monday 00:00 UTC (ISO 8601).
const MONDAY_OFFSET_MS = 3 * DAY_MS;

/** Slice number of an instant: ISO weeks (Monday 00:00 UTC) or calendar months (UTC). */
export function sliceOrdinal(ms: number, unit: TimeSliceUnit): number {
  if (unit === 'week') return Math.floor((ms + MONDAY_OFFSET_MS) / WEEK_MS);
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function sliceStartMs(ordinal: number, unit: TimeSliceUnit): number {
  if (unit === 'week') return ordinal * WEEK_MS - MONDAY_OFFSET_MS;
  return Date.UTC(Math.floor(ordinal / 12), ordinal % 12, 1);
}

export interface EmergingHotspotOptions {
  readonly sizeMeters: number;
  readonly slice: TimeSliceUnit;
  /** Period start and end (inclusive), epoch ms or ISO. Default: the first and last report. */
  readonly from?: number | string;
  readonly to?: number | string;
  /** Spatial distance band, metres. Default: `defaultDistanceBand` over the cells. */
  readonly distanceMeters?: number;
  /** How many earlier periods join each bin's neighbourhood (ArcGIS neighbourhood time step). Default 1. */
  readonly neighbourhoodTimeSteps?: number;
  readonly studyArea?: StudyArea;
  /** Significance level for hot/cold bins and for the trend. Default 0.05. */
  readonly alpha?: number;
  /** Benjamini-Hochberg correction of bin significance over the whole cube. Default true (as ArcGIS). */
  readonly fdr?: boolean;
}

export interface EmergingCell extends HexCellRef {
  readonly pattern: EmergingPattern;
  readonly totalCount: number;
  /** Per period, oldest first. */
  readonly counts: readonly number[];
  readonly z: readonly number[];
  /** +1 significant hot, −1 significant cold, 0 neither. */
  readonly significance: readonly (-1 | 0 | 1)[];
  /** Mann-Kendall trend of the Gi* z-scores. */
  readonly trend: MannKendallResult;
}

export interface EmergingHotspotResult {
  readonly cells: readonly EmergingCell[];
  readonly slices: readonly TimeSlice[];
  readonly params: {
    readonly sizeMeters: number;
    readonly slice: TimeSliceUnit;
    readonly from: string;
    readonly to: string;
    readonly distanceMeters: number;
    readonly distanceSource: 'given' | 'default';
    readonly neighbourhoodTimeSteps: number;
    readonly alpha: number;
    readonly fdr: boolean;
    /** Critical p-value actually applied to bins (lower than alpha under FDR). */
    readonly criticalP: number;
  };
  /** Cells per pattern. */
  readonly summary: Readonly<Partial<Record<EmergingPattern, number>>>;
}

/**
 * A report, or with `count` that many reports at one place and time: a published table's value
 * for a cell and month enters as one point at the cell's centre carrying the value.
 */
export interface EmergingPoint extends TimedPoint {
  readonly count?: number;
}

/** Minimum number of periods; ArcGIS recommends at least 10 for a meaningful trend. */
export const MIN_TIME_SLICES = 3;

/**
 * Emerging hot spot analysis over a space-time cube of hexagons × periods.
 *
 * 1. Reports in [from, to] are counted per hexagon and per week (ISO, Monday UTC) or month (UTC)
 *    (a point with a `count` adds that many).
 *    Cells: the study area's hexagons (zeros included) plus any hexagon with a report.
 * 2. Gi* for every bin, as ArcGIS does: neighbours are the cells within the distance band (itself
 *    included) in the same period and the `neighbourhoodTimeSteps` periods before it, compared with
 *    the mean and variance of the whole cube.
 * 3. A bin is significant when p <= alpha (or the Benjamini-Hochberg critical p over all bins).
 * 4. Mann-Kendall on each cell's z-scores, then `classifyEmergingPattern`.
 *
 * Throws TOO_FEW_TIME_SLICES (fewer than 3 periods), TOO_FEW_CELLS (fewer than 30 hexagons with
 * reports) or NO_VARIATION.
 */
export function emergingHotspots(
  points: readonly EmergingPoint[],
  options: EmergingHotspotOptions,
): EmergingHotspotResult {
  const { sizeMeters, slice, studyArea } = options;
  const alpha = options.alpha ?? 0.05;
  const fdr = options.fdr ?? true;
  const lag = options.neighbourhoodTimeSteps ?? 1;
  requireNumberInRange('sizeMeters', sizeMeters, 1, 100_000);
  requireNumberInRange('alpha', alpha, 1e-6, 0.5);
  requireNumberInRange('neighbourhoodTimeSteps', lag, 0, 52);
  if (slice !== 'week' && slice !== 'month') {
    throw new AnalysisInputError(
      'INVALID_PARAMETER',
      `slice must be "week" or "month"; got ${String(slice)}.`,
    );
  }
  const times = points.map((p) => toEpochMs(p.t));
  if (times.length === 0 && (options.from === undefined || options.to === undefined)) {
    throw new AnalysisInputError('TOO_FEW_POINTS', 'There are no reports in the period.');
  }
  const fromMs = options.from === undefined ? Math.min(...times) : toEpochMs(options.from);
  const toMs = options.to === undefined ? Math.max(...times) : toEpochMs(options.to);
  const first = sliceOrdinal(fromMs, slice);
  const nSlices = sliceOrdinal(toMs, slice) - first + 1;
  if (!(nSlices >= MIN_TIME_SLICES)) {
    throw new AnalysisInputError(
      'TOO_FEW_TIME_SLICES',
      `Emerging hot spot analysis needs at least ${MIN_TIME_SLICES} ${slice}s (10 or more is better); the period covers ${Math.max(0, nSlices)}.`,
      { slices: nSlices },
    );
  }

  // Cells and the cube of counts.
  const cellIndex = new Map<string, number>();
  const cells: HexCellRef[] = [];
  const addCell = (ref: HexCellRef) => {
    if (!cellIndex.has(ref.id)) {
      cellIndex.set(ref.id, cells.length);
      cells.push(ref);
    }
  };
  if (studyArea) for (const ref of hexesCoveringArea(studyArea, sizeMeters)) addCell(ref);
  const located: { cell: string; slice: number; count: number }[] = [];
  points.forEach((p, k) => {
    const ms = times[k]!;
    if (ms < fromMs || ms > toMs) return;
    const { i, j } = hexIndexAt(p.x, p.y, sizeMeters);
    const ref = hexCell(i, j, sizeMeters);
    addCell(ref);
    located.push({ cell: ref.id, slice: sliceOrdinal(ms, slice) - first, count: p.count ?? 1 });
  });
  // Stable order (by i then j) whatever the input order.
  const order = cells
    .map((_, k) => k)
    .sort((a, b) => cells[a]!.i - cells[b]!.i || cells[a]!.j - cells[b]!.j);
  const sortedCells = order.map((k) => cells[k]!);
  const position = new Map(sortedCells.map((c, k) => [c.id, k]));
  const nCells = sortedCells.length;
  const cube = new Float64Array(nCells * nSlices);
  for (const { cell, slice: t, count } of located) cube[t * nCells + position.get(cell)!]! += count;

  const totals = new Array<number>(nCells).fill(0);
  for (let t = 0; t < nSlices; t++)
    for (let c = 0; c < nCells; c++) totals[c]! += cube[t * nCells + c]!;
  const cellsWithData = totals.filter((v) => v > 0).length;
  if (cellsWithData < MIN_CELLS_WITH_DATA) {
    throw new AnalysisInputError(
      'TOO_FEW_CELLS',
      `Emerging hot spot analysis needs at least ${MIN_CELLS_WITH_DATA} hexagons holding reports; only ${cellsWithData} do. Widen the period, the area or the filters.`,
      { cellsWithData, minimum: MIN_CELLS_WITH_DATA },
    );
  }

  let distanceMeters: number;
  if (options.distanceMeters === undefined) {
    distanceMeters = defaultDistanceBand(sortedCells).distanceMeters;
  } else {
    requireNumberInRange('distanceMeters', options.distanceMeters, 0, 1_000_000);
    distanceMeters = options.distanceMeters;
  }
  const spatial = distanceBandNeighbours(sortedCells, distanceMeters);
  const values = Array.from(cube);
  if (values.every((v) => v === values[0])) {
    throw new AnalysisInputError(
      'NO_VARIATION',
      'Every hexagon has the same count in every period.',
    );
  }
  const neighbours: number[][] = new Array(nCells * nSlices);
  for (let t = 0; t < nSlices; t++) {
    for (let c = 0; c < nCells; c++) {
      const list: number[] = [];
      for (let back = 0; back <= lag && t - back >= 0; back++) {
        const base = (t - back) * nCells;
        if (back > 0) list.push(base + c);
        for (const other of spatial[c]!) list.push(base + other);
      }
      neighbours[t * nCells + c] = list;
    }
  }
  const stat = getisOrdLocal(values, neighbours, { star: true });
  const criticalP = fdr ? benjaminiHochbergThreshold(stat.p, alpha) : alpha;

  const summary: Partial<Record<EmergingPattern, number>> = {};
  const outCells: EmergingCell[] = sortedCells.map((ref, c) => {
    const counts: number[] = [];
    const z: number[] = [];
    const significance: (-1 | 0 | 1)[] = [];
    const sig: boolean[] = [];
    for (let t = 0; t < nSlices; t++) {
      const b = t * nCells + c;
      const zi = stat.z[b]!;
      const isSig = criticalP > 0 && zi !== 0 && stat.p[b]! <= criticalP;
      counts.push(cube[b]!);
      z.push(zi);
      sig.push(isSig);
      significance.push(isSig ? (zi > 0 ? 1 : -1) : 0);
    }
    const trend = mannKendall(z);
    const pattern = classifyEmergingPattern(z, sig, trend, alpha);
    summary[pattern] = (summary[pattern] ?? 0) + 1;
    return { ...ref, pattern, totalCount: totals[c]!, counts, z, significance, trend };
  });

  const slices: TimeSlice[] = Array.from({ length: nSlices }, (_, k) => ({
    index: k,
    start: new Date(sliceStartMs(first + k, slice)).toISOString(),
    end: new Date(sliceStartMs(first + k + 1, slice)).toISOString(),
  }));
  return {
    cells: outCells,
    slices,
    params: {
      sizeMeters,
      slice,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      distanceMeters,
      distanceSource: options.distanceMeters === undefined ? 'default' : 'given',
      neighbourhoodTimeSteps: lag,
      alpha,
      fdr,
      criticalP,
    },
    summary,
  };
}

const PATTERN_COLOURS: Readonly<Record<EmergingPattern, string>> = {
  no_pattern: '#f0f0f0',
  new_hot_spot: '#a50026',
  consecutive_hot_spot: '#d73027',
  intensifying_hot_spot: '#f46d43',
  persistent_hot_spot: '#fdae61',
  diminishing_hot_spot: '#fee090',
  sporadic_hot_spot: '#ffbfbf',
  oscillating_hot_spot: '#c51b7d',
  historical_hot_spot: '#bf812d',
  new_cold_spot: '#313695',
  consecutive_cold_spot: '#4575b4',
  intensifying_cold_spot: '#74add1',
  persistent_cold_spot: '#abd9e9',
  diminishing_cold_spot: '#e0f3f8',
  sporadic_cold_spot: '#c6dbef',
  oscillating_cold_spot: '#762a83',
  historical_cold_spot: '#35978f',
};

/** Hexagons (EPSG:27700 metres) coloured by pattern, with the trend and per-period counts. */
export function emergingHotspotsToGeoJson(result: EmergingHotspotResult) {
  return hexesToGeoJson(result.cells, result.params.sizeMeters, (c) => ({
    id: c.id,
    pattern: c.pattern,
    totalCount: c.totalCount,
    counts: c.counts,
    significance: c.significance,
    trendZ: c.trend.z,
    trendP: c.trend.p,
    fill: PATTERN_COLOURS[c.pattern],
    'fill-opacity': c.pattern === 'no_pattern' ? 0.2 : 0.75,
  }));
}
