import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ingest } from './ingest.ts';
import { syntheticNativeCsv } from './synthetic.ts';
import { AREA, OPTIONS, TAXONOMY } from './test-support.ts';

/** Same shape as @hotspot/analysis's BenchResult (kept local: ingest depends on no other package). */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number | null;
  readonly ratio?: number | null;
  readonly budget?: string | null;
  readonly pass?: boolean | null;
}

interface Measured {
  readonly rows: number;
  readonly valid: number;
  readonly ms: number;
  readonly peakHeapDeltaMb: number;
}

// A full collection before each run, so the heap a run starts from holds no garbage of the run
// before it: without it the "growth" measured depends on when V8 last collected (20,000 and
// 100,000 rows gave 19.5 and 54 MB; collected first, both grow about 16 MB).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function measure(rows: number, seed: number): Promise<Measured> {
  const source = syntheticNativeCsv({
    rows,
    seed,
    area: AREA,
    categories: TAXONOMY.categories,
    placeTypes: TAXONOMY.placeTypes,
    agencies: TAXONOMY.agencies,
    latestDate: '2024-05-31',
  });
  collectGarbage();
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  let valid = 0;
  let seen = 0;
  const start = performance.now();
  for await (const event of ingest(source, OPTIONS)) {
    if (event.kind === 'record') valid++;
    // Sample in the loop: timers may not fire while the stream keeps the microtask queue busy.
    if (++seen % 2000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const ms = performance.now() - start;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  return { rows, valid, ms, peakHeapDeltaMb: (peakHeap - baseHeap) / 1024 / 1024 };
}

/**
 * Parse and validate synthetic native CSV rows (generated on the fly, so the input never sits in
 * memory either): rows per second, and the peak heap growth during the run, at two sizes so that
 * flat memory shows as similar figures. The synthetic rows are the ones the database benchmark
 * commits (syntheticNativeCsv).
 */
export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const big = opts.quick ? 10_000 : 100_000;
  const small = Math.round(big / 5);
  await measure(2_000, 1); // warm-up: JIT, proj4, area index
  const s = await measure(small, 2);
  const b = await measure(big, 3);
  if (b.valid !== b.rows || s.valid !== s.rows) {
    throw new Error('synthetic rows should all be valid');
  }
  return [
    {
      name: `ingest: parse + validate ${b.rows.toLocaleString('en-GB')} native CSV rows`,
      value: Math.round(b.rows / (b.ms / 1000)),
      unit: 'rows/s',
    },
    {
      name: `ingest: peak heap growth, ${b.rows.toLocaleString('en-GB')} rows`,
      value: Math.round(b.peakHeapDeltaMb * 10) / 10,
      unit: 'MB',
      baseline: Math.round(s.peakHeapDeltaMb * 10) / 10,
      ratio:
        s.peakHeapDeltaMb > 0
          ? Math.round((b.peakHeapDeltaMb / s.peakHeapDeltaMb) * 100) / 100
          : null,
      budget: `flat: growth at ${b.rows.toLocaleString('en-GB')} rows within 2x that at ${s.rows.toLocaleString('en-GB')} (baseline)`,
      pass: b.peakHeapDeltaMb <= Math.max(2 * s.peakHeapDeltaMb, 32),
    },
  ];
}
