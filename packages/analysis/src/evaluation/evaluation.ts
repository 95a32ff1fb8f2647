import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { toEpochMs } from '../common/time.ts';
import type { TimedPoint } from '../common/types.ts';
import { AnalysisInputError } from '../errors.ts';

/** One sentence each for a tasking meeting. */
export const PAI_EXPLANATION =
  'The Predictive Accuracy Index compares the share of reports that fell in the flagged areas with the share of the map those areas cover: 1 is no better than chance, 5 means the flagged areas caught reports five times more densely than the area as a whole.';
export const WDQ_EXPLANATION =
  'The Weighted Displacement Quotient checks, against a comparison area, whether reports fell where we intervened and whether they moved into the surrounding buffer (displacement) or fell there too (diffusion of benefits).';

/** Either a value or the reason it cannot be computed (never NaN or Infinity). */
export type Computable<T> =
  | ({ readonly computable: true } & T)
  | { readonly computable: false; readonly reason: string };

export interface PaiInputRow {
  readonly id?: string | number;
  /** Reports observed in the unit (e.g. the evaluation period). */
  readonly observed: number;
  /** The forecast or score used to rank units (higher = flagged first). */
  readonly predicted: number;
  /** Area of the unit (any unit, e.g. km² or 1 per grid cell, or street length). */
  readonly area: number;
}

export interface PaiRow {
  /** 1-based rank after sorting by predicted / area. */
  readonly order: number;
  readonly id: string | number | null;
  readonly count: number;
  readonly cumCount: number;
  readonly pCumCount: number;
  readonly pred: number;
  readonly cumPred: number;
  readonly area: number;
  readonly cumArea: number;
  readonly pCumArea: number;
  /** (cumCount / total count) / (cumArea / total area). */
  readonly pai: number;
  /** PAI / the best PAI any ranking could reach at the same rank (0..1). */
  readonly pei: number;
  /** Recovery Rate Index cumPred / cumCount; null while cumCount is 0. */
  readonly rri: number | null;
}

/**
 * PAI, PEI and RRI for every cut-off of a ranking, as Wheeler's R package ptools `pai()`: units are
 * sorted by predicted density (predicted / area) descending, ties by observed ascending (the
 * conservative choice), and accumulated. PEI divides by the PAI of the perfect ranking (by observed
 * density) at the same rank; with unequal areas it is only approximate, as ptools notes.
 *
 * @example
 * paiTable([{ observed: 6, predicted: 3, area: 1 }, { observed: 3, predicted: 2, area: 1 }, { observed: 0, predicted: 1, area: 1 }])
 * // rows[].pai -> [2, 1.5, 1]
 */
export function paiTable(rows: readonly PaiInputRow[]): Computable<{ rows: PaiRow[] }> {
  if (rows.length === 0) return { computable: false, reason: 'There are no areas to rank.' };
  for (const r of rows) {
    if (!(r.area > 0) || !Number.isFinite(r.observed) || !Number.isFinite(r.predicted)) {
      throw new AnalysisInputError(
        'INVALID_PARAMETER',
        'Every area must be positive and every count and prediction a finite number.',
      );
    }
  }
  const totalCount = rows.reduce((s, r) => s + r.observed, 0);
  const totalArea = rows.reduce((s, r) => s + r.area, 0);
  if (totalCount === 0) {
    return {
      computable: false,
      reason: 'No reports were observed, so no hit rate can be computed.',
    };
  }
  const ranked = rows
    .map((r, k) => ({ r, k }))
    .sort(
      (a, b) =>
        b.r.predicted / b.r.area - a.r.predicted / a.r.area ||
        a.r.observed - b.r.observed ||
        a.k - b.k,
    )
    .map(({ r }) => r);
  const perfect = [...ranked].sort((a, b) => b.observed / b.area - a.observed / a.area);
  let cumCount = 0;
  let cumArea = 0;
  let cumPred = 0;
  let perfectCount = 0;
  let perfectArea = 0;
  const out = ranked.map((r, k) => {
    cumCount += r.observed;
    cumArea += r.area;
    cumPred += r.predicted;
    const best = perfect[k]!;
    perfectCount += best.observed;
    perfectArea += best.area;
    const pCumCount = cumCount / totalCount;
    const pCumArea = cumArea / totalArea;
    const pai = pCumCount / pCumArea;
    const perfectPai = perfectCount / totalCount / (perfectArea / totalArea);
    return {
      order: k + 1,
      id: r.id ?? null,
      count: r.observed,
      cumCount,
      pCumCount,
      pred: r.predicted,
      cumPred,
      area: r.area,
      cumArea,
      pCumArea,
      pai,
      pei: perfectPai === 0 ? 0 : pai / perfectPai,
      rri: cumCount === 0 ? null : cumPred / cumCount,
    };
  });
  return { computable: true, rows: out };
}

/**
 * The single PAI of a set of flagged areas: (n/N) / (a/A), with n reports in the flagged area a out
 * of N reports in the whole area A.
 */
export function predictiveAccuracyIndex(input: {
  readonly hits: number;
  readonly totalReports: number;
  readonly flaggedArea: number;
  readonly totalArea: number;
}): Computable<{ pai: number; hitRate: number; areaShare: number }> {
  const { hits, totalReports, flaggedArea, totalArea } = input;
  if (totalReports <= 0) return { computable: false, reason: 'No reports in the whole area.' };
  if (totalArea <= 0 || flaggedArea <= 0) {
    return {
      computable: false,
      reason: 'The flagged area and the whole area must both be larger than zero.',
    };
  }
  const hitRate = hits / totalReports;
  const areaShare = flaggedArea / totalArea;
  return { computable: true, pai: hitRate / areaShare, hitRate, areaShare };
}

/**
 * Hit rate of a grid forecast at a coverage level, as open_cp's `hit_rates`: the floor(cells ·
 * coverage) cells of highest intensity (ties by input order) are flagged, and the hit rate is the
 * share of all events falling in them. `totalEvents` defaults to the events in the cells; pass a
 * larger number when some events fell outside the grid.
 */
export function hitRateAtCoverage(
  cells: readonly { readonly intensity: number; readonly count: number }[],
  coverage: number,
  totalEvents?: number,
): Computable<{ hitRate: number; flaggedCells: number }> {
  const total = totalEvents ?? cells.reduce((s, c) => s + c.count, 0);
  if (total <= 0) return { computable: false, reason: 'There are no events to hit.' };
  const flaggedCells = Math.floor(cells.length * coverage + 1e-9);
  const ranked = cells
    .map((c, k) => ({ c, k }))
    .sort((a, b) => b.c.intensity - a.c.intensity || a.k - b.k);
  let hits = 0;
  for (let k = 0; k < flaggedCells; k++) hits += ranked[k]!.c.count;
  return { computable: true, hitRate: hits / total, flaggedCells };
}

/** Sums of every k×k block of a matrix (sliding by one cell), row by row, as open_cp aggregates cells. */
export function slidingBlockSums(matrix: readonly (readonly number[])[], k: number): number[][] {
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  const out: number[][] = [];
  for (let r = 0; r + k <= rows; r++) {
    const row: number[] = [];
    for (let c = 0; c + k <= cols; c++) {
      let s = 0;
      for (let dr = 0; dr < k; dr++) for (let dc = 0; dc < k; dc++) s += matrix[r + dr]![c + dc]!;
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

export interface BeforeAfter {
  readonly before: number;
  readonly after: number;
}

export type WdqInterpretation =
  | 'target_not_improved'
  | 'diffusion_greater_than_direct_effect'
  | 'diffusion_of_benefits'
  | 'no_displacement_or_diffusion'
  | 'displacement_smaller_than_direct_effect'
  | 'displacement_greater_than_direct_effect';

export interface WdqResult {
  /** Ra/Ca − Rb/Cb: negative when the target improved relative to the control. */
  readonly successMeasure: number;
  /** Da/Ca − Db/Cb: positive when the buffer worsened relative to the control. */
  readonly bufferDisplacementMeasure: number;
  /** (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb). */
  readonly wdq: number;
  /** Reports prevented, net of displacement: [Rb·Ca/Cb − Ra] + [Db·Ca/Cb − Da]. */
  readonly totalNetEffect: number;
  /** Reports prevented in the target alone: Rb·Ca/Cb − Ra. */
  readonly targetNetEffect: number;
  /** Change in the buffer beyond the control trend: Da − Db·Ca/Cb (positive = displacement). */
  readonly bufferNetEffect: number;
  readonly interpretation: WdqInterpretation;
}

/**
 * Weighted Displacement Quotient (Bowers & Johnson 2003) and total net effect for a target area R,
 * buffer D and control C, before (b) and after (a) an intervention:
 *   WDQ = (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb),
 *   total net effect = (Rb·Ca/Cb − Ra) + (Db·Ca/Cb − Da).
 * Interpretation (when the target improved, i.e. the success measure is negative): WDQ > 1
 * diffusion of benefits greater than the direct effect; 0 < WDQ <= 1 diffusion; 0 none;
 * −1 <= WDQ < 0 displacement smaller than the direct effect; WDQ < −1 displacement outweighs it.
 * Zero control counts or no change in the target make it not computable, with the reason.
 */
export function weightedDisplacementQuotient(input: {
  readonly target: BeforeAfter;
  readonly buffer: BeforeAfter;
  readonly control: BeforeAfter;
}): Computable<WdqResult> {
  const { target: R, buffer: D, control: C } = input;
  for (const v of [R.before, R.after, D.before, D.after, C.before, C.after]) {
    if (!Number.isFinite(v) || v < 0) {
      throw new AnalysisInputError('INVALID_PARAMETER', 'Counts must be non-negative numbers.');
    }
  }
  if (C.before === 0 || C.after === 0) {
    return {
      computable: false,
      reason: `The control area has no reports ${C.before === 0 ? 'before' : 'after'} the date, so the background trend cannot be estimated. Choose a larger control area.`,
    };
  }
  const successMeasure = R.after / C.after - R.before / C.before;
  const bufferDisplacementMeasure = D.after / C.after - D.before / C.before;
  if (successMeasure === 0) {
    return {
      computable: false,
      reason:
        'The target area changed exactly in line with the control area, so there is no effect to weigh displacement against.',
    };
  }
  const wdq = bufferDisplacementMeasure / successMeasure;
  const ratio = C.after / C.before;
  const targetNetEffect = R.before * ratio - R.after;
  const bufferNetEffect = D.after - D.before * ratio;
  let interpretation: WdqInterpretation;
  if (successMeasure > 0) interpretation = 'target_not_improved';
  else if (wdq > 1) interpretation = 'diffusion_greater_than_direct_effect';
  else if (wdq > 0) interpretation = 'diffusion_of_benefits';
  else if (wdq === 0) interpretation = 'no_displacement_or_diffusion';
  else if (wdq >= -1) interpretation = 'displacement_smaller_than_direct_effect';
  else interpretation = 'displacement_greater_than_direct_effect';
  return {
    computable: true,
    successMeasure,
    bufferDisplacementMeasure,
    wdq,
    totalNetEffect: targetNetEffect - bufferNetEffect,
    targetNetEffect,
    bufferNetEffect,
    interpretation,
  };
}

export interface DisplacementAreas {
  readonly target: Polygon | MultiPolygon;
  /** Should surround the target without overlapping it; a point in both counts as target. */
  readonly buffer: Polygon | MultiPolygon;
  readonly control: Polygon | MultiPolygon;
}

/**
 * Counts reports per area before and after `date` (before: t < date, after: t >= date), optionally
 * limited to [from, to], then computes the WDQ. Polygons and points are EPSG:27700 metres.
 */
export function displacementAnalysis(
  records: readonly TimedPoint[],
  areas: DisplacementAreas,
  period: {
    readonly date: number | string;
    readonly from?: number | string;
    readonly to?: number | string;
  },
): {
  counts: { target: BeforeAfter; buffer: BeforeAfter; control: BeforeAfter };
  result: Computable<WdqResult>;
} {
  const date = toEpochMs(period.date);
  const from = period.from === undefined ? Number.NEGATIVE_INFINITY : toEpochMs(period.from);
  const to = period.to === undefined ? Number.POSITIVE_INFINITY : toEpochMs(period.to);
  const tally = { target: [0, 0], buffer: [0, 0], control: [0, 0] };
  for (const r of records) {
    const t = toEpochMs(r.t);
    if (t < from || t > to) continue;
    const slot = t < date ? 0 : 1;
    const at: [number, number] = [r.x, r.y];
    if (booleanPointInPolygon(at, areas.target)) tally.target[slot]! += 1;
    else if (booleanPointInPolygon(at, areas.buffer)) tally.buffer[slot]! += 1;
    if (booleanPointInPolygon(at, areas.control)) tally.control[slot]! += 1;
  }
  const ba = ([before, after]: number[]): BeforeAfter => ({ before: before!, after: after! });
  const counts = { target: ba(tally.target), buffer: ba(tally.buffer), control: ba(tally.control) };
  return { counts, result: weightedDisplacementQuotient(counts) };
}
