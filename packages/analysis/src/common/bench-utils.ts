/** Median wall time of `fn` over `repeats` runs after one warm-up, in milliseconds. */
export function timeMedianMs(fn: () => unknown, repeats: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Approximate North Worcestershire (Bromsgrove, Redditch, Wyre Forest) in BNG metres. */
export const NORTH_WORCS_BBOX = [375000, 255000, 400000, 285000] as const;
