import type { BenchOptions, BenchResult } from '../bench-types.ts';
import { timeMedianMs } from '../common/bench-utils.ts';
import { createPrng } from '../common/prng.ts';
import { paiTable } from './evaluation.ts';

/** PAI/PEI/RRI table over the hexagons of a partnership-sized grid (about 5,000 units). */
export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const n = opts.quick ? 500 : 5_000;
  const random = createPrng(9);
  const rows = Array.from({ length: n }, () => ({
    observed: Math.floor(random() * random() * 20),
    predicted: random() * 10,
    area: 1,
  }));
  const ms = timeMedianMs(() => paiTable(rows), opts.quick ? 1 : 5);
  return [{ name: `PAI/PEI/RRI table, ${n} units`, value: ms, unit: 'ms' }];
}
