import { twoSidedP } from '../common/stats.ts';
import { AnalysisInputError } from '../errors.ts';

/** One sentence for a tasking meeting. */
export const GETIS_ORD_EXPLANATION =
  'Getis-Ord Gi* asks whether an area and its neighbours together hold more (hot spot) or fewer (cold spot) reports than chance would give, and how confident we can be of that.';

export interface GetisOrdLocalOptions {
  /** true: Gi* (the location counts as its own neighbour, w_ii = 1); false: Gi (self excluded). */
  readonly star: boolean;
  /**
   * 'binary' (default, and what Gi* normally uses) or 'row' (row-standardised, w_ij = 1/k_i; with
   * `star` the row includes the location itself, w = 1/(k_i + 1)), as PySAL esda's transform "R".
   */
  readonly transform?: 'binary' | 'row';
}

export interface GetisOrdLocalResult {
  /** G_i (share of the relevant total held by the neighbourhood). */
  readonly g: readonly number[];
  /** E[G_i] under the null hypothesis. */
  readonly expected: readonly number[];
  readonly variance: readonly number[];
  /** Standard normal z-score; 0 where the variance is zero (see `getisOrdLocal`). */
  readonly z: readonly number[];
  /** Two-sided p-value 2·Φ(−|z|) (ArcGIS). esda's `p_norm` is the one-sided half of this. */
  readonly p: readonly number[];
}

/**
 * Local Getis-Ord Gi / Gi* with the analytical (normal) moments of Getis & Ord (1992, 1995),
 * reproducing PySAL esda's `G_Local` z-scores (see getisord.md).
 *
 * `neighbours[i]` lists the indices of i's neighbours, excluding i itself (an entry equal to i is
 * ignored: Gi* adds the location itself). Weights are binary unless `transform: 'row'`.
 *
 * With N = n (Gi*) or n − 1 (Gi, sums over j ≠ i), W_i = Σ_j w_ij:
 *   G_i = Σ_j w_ij x_j / Σ_j x_j,  E = W_i / N,  Y1 = Σ_j x_j / N,  Y2 = Σ_j x_j² / N − Y1²,
 *   Var = W_i (N − W_i) / (N² (N − 1)) · Y2 / Y1²,  z = (G_i − E) / √Var.
 * For binary weights this is exactly ArcGIS's Gi* z-score. Where Var is zero (all values equal, or
 * a neighbourhood that covers every location) z is reported as 0 and p as 1: no evidence either way.
 *
 * @example
 * getisOrdLocal([2, 3, 3.2, 5, 8, 7], [[1, 3], [0, 3, 4], [4], [0, 1, 4], [1, 2, 3, 5], [4]], { star: true }).z[5]
 * // -> 2.02424331 (esda test value)
 */
export function getisOrdLocal(
  values: readonly number[],
  neighbours: readonly (readonly number[])[],
  options: GetisOrdLocalOptions,
): GetisOrdLocalResult {
  const n = values.length;
  if (neighbours.length !== n) {
    throw new AnalysisInputError(
      'INVALID_PARAMETER',
      `neighbours has ${neighbours.length} lists but there are ${n} values.`,
    );
  }
  if (n < 3) {
    throw new AnalysisInputError(
      'TOO_FEW_CELLS',
      `Getis-Ord needs at least 3 locations; got ${n}.`,
    );
  }
  const star = options.star;
  const row = options.transform === 'row';
  let total = 0;
  let total2 = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      throw new AnalysisInputError('INVALID_PARAMETER', 'Every value must be a finite number.');
    }
    total += v;
    total2 += v * v;
  }
  const g = new Array<number>(n);
  const expected = new Array<number>(n);
  const variance = new Array<number>(n);
  const z = new Array<number>(n);
  const p = new Array<number>(n);
  const bigN = star ? n : n - 1;
  for (let i = 0; i < n; i++) {
    const xi = values[i]!;
    const list = neighbours[i]!;
    let k = 0;
    let lagSum = 0;
    for (const j of list) {
      if (j === i) continue;
      k++;
      lagSum += values[j]!;
    }
    if (star) {
      k++;
      lagSum += xi;
    }
    const w = row ? (k === 0 ? 0 : 1 / k) : 1;
    const weightSum = row ? (k === 0 ? 0 : 1) : k;
    const sx = star ? total : total - xi;
    const sx2 = star ? total2 : total2 - xi * xi;
    const gi = sx === 0 ? 0 : (w * lagSum) / sx;
    const e = weightSum / bigN;
    const y1 = sx / bigN;
    const y2 = sx2 / bigN - y1 * y1;
    const v = ((weightSum * (bigN - weightSum)) / (bigN * bigN * (bigN - 1))) * (y2 / (y1 * y1));
    g[i] = gi;
    expected[i] = e;
    variance[i] = v;
    const zi = v > 0 && Number.isFinite(v) ? (gi - e) / Math.sqrt(v) : 0;
    z[i] = zi;
    p[i] = zi === 0 ? 1 : twoSidedP(zi);
  }
  return { g, expected, variance, z, p };
}

/** Confidence levels of the ArcGIS Gi_Bin: ±3 = 99 %, ±2 = 95 %, ±1 = 90 %, 0 = not significant. */
export type ConfidenceBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;

const LEVELS = [
  { bin: 3, alpha: 0.01 },
  { bin: 2, alpha: 0.05 },
  { bin: 1, alpha: 0.1 },
] as const;

/**
 * Benjamini-Hochberg critical p-value: the largest p_(k) with p_(k) <= (k/m)·alpha, or 0 if none
 * (then nothing is significant at that level).
 */
export function benjaminiHochbergThreshold(pValues: readonly number[], alpha: number): number {
  const sorted = Float64Array.from(pValues).sort();
  const m = sorted.length;
  let threshold = 0;
  for (let k = 1; k <= m; k++) {
    const pk = sorted[k - 1]!;
    if (pk <= (k / m) * alpha) threshold = pk;
  }
  return threshold;
}

/**
 * ArcGIS-style confidence bins from z and two-sided p. With `fdr`, each level's critical p-value is
 * lowered by the Benjamini-Hochberg procedure over all locations, as ArcGIS's "Apply False
 * Discovery Rate Correction" does; z and p themselves are never altered.
 */
export function confidenceBins(
  z: readonly number[],
  p: readonly number[],
  options: { readonly fdr?: boolean } = {},
): ConfidenceBin[] {
  const thresholds = LEVELS.map((level) => ({
    bin: level.bin,
    critical: options.fdr ? benjaminiHochbergThreshold(p, level.alpha) : level.alpha,
  }));
  return z.map((zi, i) => {
    const pi = p[i]!;
    if (zi === 0 || !Number.isFinite(pi)) return 0;
    for (const { bin, critical } of thresholds) {
      if (critical > 0 && pi <= critical) return (zi > 0 ? bin : -bin) as ConfidenceBin;
    }
    return 0;
  });
}
