import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

/** Standard normal cumulative distribution Φ(z). */
export function phi(z: number): number {
  return normalCdf(z, 0, 1);
}

/** Two-sided p-value of a standard normal z-score: 2·Φ(−|z|) (exact in the far tails). */
export function twoSidedP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(1, 2 * phi(-Math.abs(z)));
}

/** Linear-interpolated quantile (type 7, as R and NumPy default) of an ascending-sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/** Median of an unsorted array (copied, not mutated). */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  return quantileSorted(sorted, 0.5);
}
