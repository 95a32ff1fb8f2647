import type { BenchRun } from './bench-types.ts';
import { run as dbscan } from './dbscan/dbscan.bench.ts';
import { run as emergingHotspots } from './emerging-hotspots/emerging-hotspots.bench.ts';
import { run as evaluation } from './evaluation/evaluation.bench.ts';
import { run as gistar } from './gistar/gistar.bench.ts';
import { run as kernelDensity } from './kernel-density/kernel-density.bench.ts';
import { run as repeatLocations } from './repeat-locations/repeat-locations.bench.ts';

/**
 * Every pure benchmark of this package, for scripts/bench.ts: `await analysisBenchmarks.gistar({
 * quick: false })`. Not exported from the package entry so importing the analysis API never loads
 * benchmark code. The PostGIS ST_ClusterDBSCAN comparison belongs to the database benchmarks.
 */
export const analysisBenchmarks: Readonly<Record<string, BenchRun>> = {
  dbscan,
  gistar,
  kernelDensity,
  emergingHotspots,
  repeatLocations,
  evaluation,
};
