import { twoSidedP } from '../common/stats.ts';

export interface MannKendallResult {
  /** Kendall's S: Σ_{i<j} sign(x_j − x_i). */
  readonly s: number;
  /** Var(S), corrected for ties. */
  readonly variance: number;
  /** Normal approximation with continuity correction: (S − sign(S)) / √Var(S). */
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** Kendall's tau-a, S / (n(n−1)/2): +1 steadily rising, −1 steadily falling. */
  readonly tau: number;
}

/**
 * Mann-Kendall test for a monotonic trend in a series (time order = array order), as
 * pymannkendall's `original_test` and ArcGIS's Emerging Hot Spot Analysis apply it to Gi* z-scores.
 *
 * @example
 * mannKendall([1, 2, 3, 4, 5]) // { s: 10, variance: 16.67, z: 2.2045, p: 0.0275, tau: 1 }
 */
export function mannKendall(series: readonly number[]): MannKendallResult {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = series[j]! - xi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  const ties = new Map<number, number>();
  for (const v of series) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const pairs = (n * (n - 1)) / 2;
  return { s, variance, z, p: z === 0 ? 1 : twoSidedP(z), tau: pairs > 0 ? s / pairs : 0 };
}
