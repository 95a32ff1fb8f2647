import type { Polygon } from 'geojson';
import type { BenchOptions, BenchResult } from '../bench-types.ts';
import { NORTH_WORCS_BBOX, timeMedianMs } from '../common/bench-utils.ts';
import { createPrng, syntheticPoints } from '../common/prng.ts';
import { emergingHotspots } from './emerging-hotspots.ts';

/** Emerging hot spots: 250 m hexagons x 12 months over North Worcestershire, 100,000 points. */
export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const count = opts.quick ? 10_000 : 100_000;
  const [x0, y0, x1, y1] = NORTH_WORCS_BBOX;
  const studyArea: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
  const random = createPrng(7);
  const points = syntheticPoints({ count, seed: 20240504, bbox: NORTH_WORCS_BBOX }).map((p) => ({
    ...p,
    t: Date.UTC(2024, Math.floor(random() * 12), 1 + Math.floor(random() * 28)),
  }));
  let cells = 0;
  const ms = timeMedianMs(
    () => {
      cells = emergingHotspots(points, { sizeMeters: 250, slice: 'month', studyArea }).cells.length;
    },
    opts.quick ? 1 : 3,
  );
  return [
    {
      name: `emerging hot spots, ${count} points, ${cells} cells x 12 months`,
      value: ms,
      unit: 'ms',
    },
  ];
}
