import type { BenchOptions, BenchResult } from '../bench-types.ts';
import { NORTH_WORCS_BBOX, timeMedianMs } from '../common/bench-utils.ts';
import { syntheticPoints } from '../common/prng.ts';
import { kernelDensity } from './kernel-density.ts';

/**
 * Quartic kernel density over North Worcestershire with the default bandwidth and cell size
 * (extent / 250), then contour bands at the default quantiles. Reported separately so a slow
 * contouring step is visible.
 */
export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const count = opts.quick ? 10_000 : 100_000;
  const points = syntheticPoints({ count, seed: 20240503, bbox: NORTH_WORCS_BBOX });
  const repeats = opts.quick ? 1 : 3;
  let cells = 0;
  let bandwidth = 0;
  const surfaceMs = timeMedianMs(() => {
    const r = kernelDensity(points, { contours: false });
    cells = r.surface.cols * r.surface.rows;
    bandwidth = r.params.bandwidthMeters;
  }, repeats);
  const totalMs = timeMedianMs(() => kernelDensity(points), repeats);
  return [
    {
      name: `kernel density surface, ${count} points, ${cells} cells, h ${Math.round(bandwidth)} m`,
      value: surfaceMs,
      unit: 'ms',
    },
    { name: `kernel density + contour bands, ${count} points`, value: totalMs, unit: 'ms' },
  ];
}
