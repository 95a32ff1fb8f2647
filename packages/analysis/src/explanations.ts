import { DBSCAN_EXPLANATION } from './dbscan/dbscan.ts';
import { EMERGING_HOTSPOTS_EXPLANATION } from './emerging-hotspots/emerging-hotspots.ts';
import { PAI_EXPLANATION, WDQ_EXPLANATION } from './evaluation/evaluation.ts';
import { GISTAR_EXPLANATION } from './gistar/gistar.ts';
import { HEX_GRID_EXPLANATION } from './hex-grid/hex-grid.ts';
import { KERNEL_DENSITY_EXPLANATION } from './kernel-density/kernel-density.ts';
import { REPEAT_LOCATIONS_EXPLANATION } from './repeat-locations/repeat-locations.ts';

/** The one-sentence explanations keyed by the API's method names. */
export const EXPLANATIONS = {
  dbscan: DBSCAN_EXPLANATION,
  hexCounts: HEX_GRID_EXPLANATION,
  gistar: GISTAR_EXPLANATION,
  density: KERNEL_DENSITY_EXPLANATION,
  emerging: EMERGING_HOTSPOTS_EXPLANATION,
  repeats: REPEAT_LOCATIONS_EXPLANATION,
  pai: PAI_EXPLANATION,
  wdq: WDQ_EXPLANATION,
} as const;

export type AnalysisMethod = keyof typeof EXPLANATIONS;
