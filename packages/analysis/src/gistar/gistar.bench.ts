import type { Polygon } from 'geojson';
import type { BenchOptions, BenchResult } from '../bench-types.ts';
import { NORTH_WORCS_BBOX, timeMedianMs } from '../common/bench-utils.ts';
import { syntheticPoints } from '../common/prng.ts';
import { hexHotspots } from './gistar.ts';

const BUDGET_MS = 300;

/**
 * Gi* on 250 m hexagons over a North Worcestershire-sized study area (25 km x 30 km, about 4,600
 * hexagons including zeros) with 100,000 clustered points: aggregation, default distance band,
 * neighbours, Gi*, bins. Budget: 300 ms (DESIGN.md section 9).
 */
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
  const points = syntheticPoints({ count, seed: 20240502, bbox: NORTH_WORCS_BBOX });
  let cells = 0;
  const ms = timeMedianMs(
    () => {
      cells = hexHotspots(points, { sizeMeters: 250, studyArea }).cells.length;
    },
    opts.quick ? 1 : 5,
  );
  return [
    {
      name: `gi* 250 m hexagons, ${count} points, ${cells} cells (North Worcestershire extent)`,
      value: ms,
      unit: 'ms',
      budget: `<= ${BUDGET_MS} ms`,
      pass: ms <= BUDGET_MS,
    },
  ];
}
