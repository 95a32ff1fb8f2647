/**
 * One measured figure from a `<operation>.bench.ts` `run()` function. The repository harness
 * (scripts/bench.ts) prints these; `ratio` is value / baseline when a baseline was measured in the
 * same run, `budget` is the human-readable budget (e.g. "<= 300 ms") and `pass` whether it was met.
 */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number | null;
  readonly ratio?: number | null;
  readonly budget?: string | null;
  readonly pass?: boolean | null;
  /** What the figure is made of or measured against, in a sentence (printed with it). */
  readonly note?: string;
}

/** Options every benchmark accepts: `quick` shrinks inputs so the harness can smoke-test them. */
export interface BenchOptions {
  readonly quick: boolean;
}

/** The shape of each `<operation>.bench.ts` module. */
export type BenchRun = (opts: BenchOptions) => Promise<BenchResult[]>;
