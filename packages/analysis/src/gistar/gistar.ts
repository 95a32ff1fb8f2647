import { AnalysisInputError, requireNumberInRange } from '../errors.ts';
import { type ConfidenceBin, confidenceBins, getisOrdLocal } from '../getis-ord/getis-ord.ts';
import {
  aggregateToHexes,
  type HexCellRef,
  type HexCount,
  hexesToGeoJson,
  type StudyArea,
} from '../hex-grid/hex-grid.ts';
import { buildIndex } from '../shared/spatial-index.ts';
import type { PointXY } from '../shared/types.ts';

/** One sentence for a tasking meeting. */
export const GISTAR_EXPLANATION =
  'Reports are counted in equal hexagons and each hexagon is compared, together with its neighbours, against the whole area: red hexagons are statistically significant hot spots (more reports nearby than chance would explain, at 90, 95 or 99 % confidence) and blue ones cold spots.';

/** Gi* needs at least this many cells holding data (ArcGIS's rule for Optimized Hot Spot Analysis). */
export const MIN_CELLS_WITH_DATA = 30;

export interface HexHotspotOptions {
  /** Hexagon circumradius (= edge length) in metres, as PostGIS ST_HexagonGrid. */
  readonly sizeMeters: number;
  /**
   * Distance band in metres: cells whose centres are at most this far apart are neighbours (each
   * cell is also its own neighbour). Default: `defaultDistanceBand` over the analysed cells.
   */
  readonly distanceMeters?: number;
  /** Study area (EPSG:27700); empty hexagons inside it take part with a count of zero. */
  readonly studyArea?: StudyArea;
  /** Apply Benjamini-Hochberg false-discovery-rate correction to the bins. Default false. */
  readonly fdr?: boolean;
}

export interface HexHotspotCell extends HexCount {
  /** Neighbours within the band, excluding the cell itself. */
  readonly neighbourCount: number;
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** ±3/±2/±1 = hot/cold at 99/95/90 % confidence, 0 = not significant. */
  readonly bin: ConfidenceBin;
}

export interface HexHotspotResult {
  readonly cells: readonly HexHotspotCell[];
  /** The parameters actually used, defaults filled in. */
  readonly params: {
    readonly sizeMeters: number;
    readonly distanceMeters: number;
    readonly distanceSource: 'given' | 'default';
    /** The k of the k-nearest-neighbour default (null when the distance was given). */
    readonly defaultK: number | null;
    readonly fdr: boolean;
    readonly studyArea: boolean;
  };
  readonly summary: {
    readonly cells: number;
    readonly cellsWithData: number;
    readonly points: number;
    /** Number of cells per bin, keys "-3".."3". */
    readonly bins: Readonly<Record<string, number>>;
  };
}

/**
 * Default distance band of ArcGIS Optimized Hot Spot Analysis when no peak of spatial
 * autocorrelation is found (we do not search for peaks): the mean, over all N analysed cells, of the
 * distance to each cell's k-th nearest neighbour, k = 5 % of N rounded, clamped to 3..30. N counts
 * every analysed cell (including the zero cells of a study area), as ArcGIS counts every polygon of
 * the aggregation.
 */
export function defaultDistanceBand(centres: readonly PointXY[]): {
  distanceMeters: number;
  k: number;
} {
  const n = centres.length;
  const k = Math.min(30, Math.max(3, Math.round(0.05 * n)));
  if (n <= k) {
    throw new AnalysisInputError(
      'TOO_FEW_CELLS',
      `The default distance band needs more than ${k} cells; there are ${n}.`,
    );
  }
  const index = buildIndex(centres);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const c of centres) {
    minX = Math.min(minX, c.x);
    minY = Math.min(minY, c.y);
    maxX = Math.max(maxX, c.x);
    maxY = Math.max(maxY, c.y);
  }
  // Start from the radius that would hold k+1 centres at the average density, grow until it does.
  const areaPerPoint = Math.max(1, ((maxX - minX + 1) * (maxY - minY + 1)) / n);
  const startRadius = Math.sqrt(((k + 1) * areaPerPoint) / Math.PI) * 1.2;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = centres[i]!;
    let radius = startRadius;
    let found = index.within(c.x, c.y, radius);
    while (found.length < k + 1) {
      radius *= 2;
      found = index.within(c.x, c.y, radius);
    }
    const distances = found
      .filter((j) => j !== i)
      .map((j) => Math.hypot(centres[j]!.x - c.x, centres[j]!.y - c.y))
      .sort((a, b) => a - b);
    total += distances[k - 1]!;
  }
  return { distanceMeters: total / n, k };
}

/**
 * Binary distance-band neighbour lists (self excluded) over cell centres. A relative tolerance of
 * 1e-9 keeps lattice neighbours exactly at the band (e.g. √3·size) inside it despite rounding.
 */
export function distanceBandNeighbours(
  centres: readonly PointXY[],
  distanceMeters: number,
): number[][] {
  const index = buildIndex(centres);
  const r = distanceMeters * (1 + 1e-9);
  return centres.map((c, i) =>
    index
      .within(c.x, c.y, r)
      .filter((j) => j !== i)
      .sort((a, b) => a - b),
  );
}

/**
 * Hot spot analysis on a hexagon grid: aggregate, Getis-Ord Gi* with binary distance-band weights
 * (cell included), z, two-sided p and confidence bins (optionally FDR-corrected).
 *
 * Which cells are analysed: with `studyArea`, every hexagon whose centre lies in it (zeros
 * included) plus any hexagon holding a report; without it, only hexagons holding reports, which
 * compares busy places with each other and will find fewer hot spots. Pass the partnership area.
 *
 * Throws `AnalysisInputError` TOO_FEW_CELLS when fewer than 30 cells hold data, and NO_VARIATION
 * when every analysed cell has the same count.
 *
 * @example
 * const r = hexHotspots(points, { sizeMeters: 250, studyArea: partnershipArea27700 });
 * r.cells.filter((c) => c.bin === 3) // hot spots at 99 % confidence
 */
export function hexHotspots(
  points: readonly PointXY[],
  options: HexHotspotOptions,
): HexHotspotResult {
  const { sizeMeters, studyArea, fdr = false } = options;
  const cells = aggregateToHexes(points, {
    sizeMeters,
    ...(studyArea ? { studyArea } : {}),
  });
  const counts = cells.map((c) => c.count);
  return hotspotsOnCells(cells, counts, {
    sizeMeters,
    fdr,
    distanceMeters: options.distanceMeters,
    studyArea: Boolean(studyArea),
    points: points.length,
  });
}

/** Gi* over given cells and values; shared with the emerging hot spot analysis. */
export function hotspotsOnCells<C extends HexCellRef & { count: number }>(
  cells: readonly C[],
  values: readonly number[],
  opts: {
    sizeMeters: number;
    fdr: boolean;
    distanceMeters: number | undefined;
    studyArea: boolean;
    points: number;
  },
): HexHotspotResult {
  const cellsWithData = cells.reduce((s, c) => s + (c.count > 0 ? 1 : 0), 0);
  if (cellsWithData < MIN_CELLS_WITH_DATA) {
    throw new AnalysisInputError(
      'TOO_FEW_CELLS',
      `Hot spot analysis needs at least ${MIN_CELLS_WITH_DATA} hexagons holding reports; only ${cellsWithData} do. Widen the period, the area or the filters, or use smaller hexagons.`,
      { cellsWithData, minimum: MIN_CELLS_WITH_DATA },
    );
  }
  if (values.every((v) => v === values[0])) {
    throw new AnalysisInputError(
      'NO_VARIATION',
      'Every hexagon has the same count, so there is nothing to compare. Pass the study area so empty hexagons count as zeros.',
    );
  }
  let distanceMeters: number;
  let defaultK: number | null = null;
  if (opts.distanceMeters === undefined) {
    const d = defaultDistanceBand(cells);
    distanceMeters = d.distanceMeters;
    defaultK = d.k;
  } else {
    requireNumberInRange('distanceMeters', opts.distanceMeters, 0, 1_000_000);
    distanceMeters = opts.distanceMeters;
  }
  const neighbours = distanceBandNeighbours(cells, distanceMeters);
  const stat = getisOrdLocal(values, neighbours, { star: true });
  const bins = confidenceBins(stat.z, stat.p, { fdr: opts.fdr });
  const binCounts: Record<string, number> = {
    '-3': 0,
    '-2': 0,
    '-1': 0,
    '0': 0,
    '1': 0,
    '2': 0,
    '3': 0,
  };
  const out = cells.map((c, i) => {
    const bin = bins[i]!;
    binCounts[String(bin)]! += 1;
    return {
      id: c.id,
      i: c.i,
      j: c.j,
      x: c.x,
      y: c.y,
      count: c.count,
      neighbourCount: neighbours[i]!.length,
      z: stat.z[i]!,
      p: stat.p[i]!,
      bin,
    };
  });
  return {
    cells: out,
    params: {
      sizeMeters: opts.sizeMeters,
      distanceMeters,
      distanceSource: opts.distanceMeters === undefined ? 'default' : 'given',
      defaultK,
      fdr: opts.fdr,
      studyArea: opts.studyArea,
    },
    summary: { cells: cells.length, cellsWithData, points: opts.points, bins: binCounts },
  };
}

/** ArcGIS's hot spot colours, 99 % hot to 99 % cold. */
export const BIN_COLOURS: Readonly<Record<ConfidenceBin, string>> = {
  3: '#d62f27',
  2: '#ed7551',
  1: '#fab984',
  0: '#f7f7f2',
  [-1]: '#c0ccbe',
  [-2]: '#849eba',
  [-3]: '#4575b5',
};

/** Hexagon polygons (EPSG:27700 metres) with count, z, p, bin and a fill colour per bin. */
export function hexHotspotsToGeoJson(result: HexHotspotResult) {
  return hexesToGeoJson(result.cells, result.params.sizeMeters, (c) => ({
    id: c.id,
    count: c.count,
    z: c.z,
    p: c.p,
    bin: c.bin,
    fill: BIN_COLOURS[c.bin],
    'fill-opacity': 0.7,
    stroke: '#666666',
    'stroke-width': 0.5,
  }));
}
