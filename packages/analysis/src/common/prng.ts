/**
 * A small seeded pseudo-random generator (mulberry32) for synthetic test and benchmark data. The
 * analyses themselves never draw random numbers.
 */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from two uniforms (Box-Muller). */
export function normalDraw(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface SyntheticPointsOptions {
  readonly count: number;
  readonly seed: number;
  /** Bounding box [minX, minY, maxX, maxY] in metres. */
  readonly bbox: readonly [number, number, number, number];
  /** Number of Gaussian clusters (town centres, estates); the rest is background. */
  readonly clusters?: number;
  /** Share of points drawn from clusters (0..1). */
  readonly clusteredShare?: number;
  /** Cluster spreads (standard deviation, metres) are drawn between these. */
  readonly clusterSigmaMeters?: readonly [number, number];
}

/**
 * Clustered, realistic-looking synthetic points: a few Gaussian hotspots of varying size and weight
 * over a uniform background, rounded to whole metres (as geocoded records usually are), clipped to
 * the bounding box.
 */
export function syntheticPoints(opts: SyntheticPointsOptions): { x: number; y: number }[] {
  const random = createPrng(opts.seed);
  const [minX, minY, maxX, maxY] = opts.bbox;
  const nClusters = opts.clusters ?? 40;
  const share = opts.clusteredShare ?? 0.7;
  const [sMin, sMax] = opts.clusterSigmaMeters ?? [40, 600];
  const centres = Array.from({ length: nClusters }, () => ({
    x: minX + random() * (maxX - minX),
    y: minY + random() * (maxY - minY),
    sigma: sMin + random() * random() * (sMax - sMin),
    weight: 0.2 + random() * random() * 5,
  }));
  const totalWeight = centres.reduce((s, c) => s + c.weight, 0);
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < opts.count; i++) {
    if (nClusters > 0 && random() < share) {
      let pick = random() * totalWeight;
      let c = centres[centres.length - 1]!;
      for (const candidate of centres) {
        pick -= candidate.weight;
        if (pick <= 0) {
          c = candidate;
          break;
        }
      }
      out.push({
        x: Math.round(clamp(c.x + normalDraw(random) * c.sigma, minX, maxX)),
        y: Math.round(clamp(c.y + normalDraw(random) * c.sigma, minY, maxY)),
      });
    } else {
      out.push({
        x: Math.round(minX + random() * (maxX - minX)),
        y: Math.round(minY + random() * (maxY - minY)),
      });
    }
  }
  return out;
}
