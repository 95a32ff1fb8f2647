import type { BenchOptions, BenchResult } from '../bench-types.ts';
import { NORTH_WORCS_BBOX, timeMedianMs } from '../common/bench-utils.ts';
import { syntheticPoints } from '../common/prng.ts';
import { repeatLocations } from './repeat-locations.ts';

/** Repeat locations (>= 3 reports within 50 m) with summaries on 100,000 points. */
export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const count = opts.quick ? 10_000 : 100_000;
  const categories = ['loitering', 'vehicle', 'gifts', 'late at night', 'other'];
  const points = syntheticPoints({ count, seed: 20240505, bbox: NORTH_WORCS_BBOX }).map((p, i) => ({
    ...p,
    t: Date.UTC(2024, i % 12, 1 + (i % 28)),
    category: categories[i % categories.length]!,
    sourceAgency: i % 3 === 0 ? 'council' : 'police',
  }));
  let found = 0;
  const ms = timeMedianMs(
    () => {
      found = repeatLocations(points, { radiusMeters: 50, minReports: 3 }).locations.length;
    },
    opts.quick ? 1 : 3,
  );
  return [{ name: `repeat locations, ${count} points (${found} places)`, value: ms, unit: 'ms' }];
}
