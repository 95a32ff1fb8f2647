// Over 400 lines because the distance band, the neighbourhoods and Gi* itself are one method,
// shared by the hexagon layer and the emerging analysis.
import { buildIndex } from '../common/spatial-index.ts';
import type { PointXY } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';
import { type ConfidenceBin, confidenceBins, getisOrdLocal } from '../getis-ord/getis-ord.ts';
import {
  aggregateToHexes,
  type HexCellRef,
  type HexCount,
  hexAreaSquareMeters,
  hexesToGeoJson,
  type StudyArea,
} from '../hex-grid/hex-grid.ts';

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

function tooFewCellsForBand(k: number, n: number): AnalysisInputError {
  return new AnalysisInputError(
    'TOO_FEW_CELLS',
    `The default distance band needs more than ${k} cells; there are ${n}.`,
  );
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
  if (n <= k) throw tooFewCellsForBand(k, n);
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
  // Squared distances in one reused buffer and a selection of the k-th: no per-cell arrays.
  let squared = new Float64Array(64);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = centres[i]!;
    let radius = startRadius;
    let found = index.within(c.x, c.y, radius);
    while (found.length < k + 1) {
      radius *= 2;
      found = index.within(c.x, c.y, radius);
    }
    if (squared.length < found.length) squared = new Float64Array(found.length * 2);
    let m = 0;
    for (const j of found) {
      if (j === i) continue;
      const dx = centres[j]!.x - c.x;
      const dy = centres[j]!.y - c.y;
      squared[m++] = dx * dx + dy * dy;
    }
    total += Math.sqrt(selectKth(squared, m, k - 1));
  }
  return { distanceMeters: total / n, k };
}

/** The k-th smallest (0-based) of the first `length` values; reorders them (Hoare's select). */
function selectKth(values: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let a = lo;
    let b = hi;
    while (a <= b) {
      while (values[a]! < pivot) a++;
      while (values[b]! > pivot) b--;
      if (a <= b) {
        const t = values[a]!;
        values[a] = values[b]!;
        values[b] = t;
        a++;
        b--;
      }
    }
    if (k <= b) hi = b;
    else if (k >= a) lo = a;
    else return values[k]!;
  }
  return values[k]!;
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
  const lists = new Array<number[]>(centres.length);
  for (let i = 0; i < centres.length; i++) {
    const c = centres[i]!;
    const found = index.within(c.x, c.y, r);
    const list: number[] = [];
    for (const j of found) if (j !== i) list.push(j);
    lists[i] = list.sort((a, b) => a - b);
  }
  return lists;
}

/** Finds a cell's index by its (i, j): a dense table over the cells' extent, else a map. */
function cellLookup(cells: readonly HexCellRef[]): (i: number, j: number) => number {
  let iMin = Number.POSITIVE_INFINITY;
  let iMax = Number.NEGATIVE_INFINITY;
  let jMin = Number.POSITIVE_INFINITY;
  let jMax = Number.NEGATIVE_INFINITY;
  for (const c of cells) {
    iMin = Math.min(iMin, c.i);
    iMax = Math.max(iMax, c.i);
    jMin = Math.min(jMin, c.j);
    jMax = Math.max(jMax, c.j);
  }
  const rows = jMax - jMin + 1;
  const span = (iMax - iMin + 1) * rows;
  if (span <= Math.max(65_536, 8 * cells.length)) {
    const table = new Int32Array(span).fill(-1);
    cells.forEach((c, index) => {
      table[(c.i - iMin) * rows + (c.j - jMin)] = index;
    });
    return (i, j) =>
      i < iMin || i > iMax || j < jMin || j > jMax ? -1 : table[(i - iMin) * rows + (j - jMin)]!;
  }
  const byKey = new Map<string, number>();
  cells.forEach((c, index) => {
    byKey.set(`${c.i}:${c.j}`, index);
  });
  return (i, j) => byKey.get(`${i}:${j}`) ?? -1;
}

/**
 * Offsets (di, dj) from a cell in an even (parity 0) or odd (parity 1) column to the cells whose
 * centres lie within `radius`, nearest first, with their lattice distances.
 */
function hexStencil(sizeMeters: number, radius: number, parity: 0 | 1) {
  const h = Math.sqrt(3) * sizeMeters;
  const di = Math.ceil(radius / (1.5 * sizeMeters)) + 1;
  const dj = Math.ceil(radius / h) + 1;
  const out: { di: number; dj: number; d: number }[] = [];
  for (let a = -di; a <= di; a++) {
    const shift = ((parity + a) & 1 ? 0.5 : 0) - (parity ? 0.5 : 0);
    for (let b = -dj; b <= dj; b++) {
      if (a === 0 && b === 0) continue;
      const d = Math.hypot(1.5 * sizeMeters * a, h * (b + shift));
      if (d <= radius) out.push({ di: a, dj: b, d });
    }
  }
  return out.sort((x, y) => x.d - y.d);
}

/**
 * `defaultDistanceBand` and `distanceBandNeighbours` for cells of one hexagon lattice, walking
 * the lattice around each cell instead of querying a spatial index. Same predicate and arithmetic
 * on the cells' centres, so the same band and the same lists; the index remains the fallback for
 * a cell too isolated for the stencil.
 */
export function hexNeighbourhood(
  cells: readonly HexCellRef[],
  sizeMeters: number,
  distanceMeters: number | undefined,
): { distanceMeters: number; defaultK: number | null; neighbours: number[][] } {
  const n = cells.length;
  const lookup = cellLookup(cells);
  let band = distanceMeters;
  let defaultK: number | null = null;
  if (band === undefined) {
    const k = Math.min(30, Math.max(3, Math.round(0.05 * n)));
    if (n <= k) throw tooFewCellsForBand(k, n);
    // Enough lattice cells for a cell on a straight edge or a corner to find its k nearest.
    const reach = Math.sqrt((6 * (k + 1) * hexAreaSquareMeters(sizeMeters)) / Math.PI);
    const stencils = [hexStencil(sizeMeters, reach, 0), hexStencil(sizeMeters, reach, 1)];
    const squared = new Float64Array(stencils[0]!.length + stencils[1]!.length);
    let isolated: number[] | null = null;
    let total = 0;
    for (let index = 0; index < n; index++) {
      const c = cells[index]!;
      const stencil = stencils[c.i & 1]!;
      let m = 0;
      let kthLattice = Number.POSITIVE_INFINITY;
      for (const { di, dj, d } of stencil) {
        if (d > kthLattice * (1 + 1e-9)) break;
        const other = lookup(c.i + di, c.j + dj);
        if (other < 0) continue;
        const dx = cells[other]!.x - c.x;
        const dy = cells[other]!.y - c.y;
        squared[m++] = dx * dx + dy * dy;
        if (m === k) kthLattice = d;
      }
      if (m < k) {
        isolated ??= [];
        isolated.push(index);
        continue;
      }
      total += Math.sqrt(selectKth(squared, m, k - 1));
    }
    if (isolated) total += sumKthDistances(cells, isolated, k);
    band = total / n;
    defaultK = k;
  } else {
    requireNumberInRange('distanceMeters', band, 0, 1_000_000);
  }
  const r = band * (1 + 1e-9);
  const r2 = r * r;
  const stencils = [hexStencil(sizeMeters, r * 1.001, 0), hexStencil(sizeMeters, r * 1.001, 1)];
  const neighbours = new Array<number[]>(n);
  for (let index = 0; index < n; index++) {
    const c = cells[index]!;
    const list: number[] = [];
    for (const { di, dj } of stencils[c.i & 1]!) {
      const other = lookup(c.i + di, c.j + dj);
      if (other < 0) continue;
      const dx = cells[other]!.x - c.x;
      const dy = cells[other]!.y - c.y;
      if (dx * dx + dy * dy <= r2) list.push(other);
    }
    neighbours[index] = list.sort((a, b) => a - b);
  }
  return { distanceMeters: band, defaultK, neighbours };
}

/** Sum over `which` of the distance to the k-th nearest other centre (spatial index). */
function sumKthDistances(centres: readonly PointXY[], which: readonly number[], k: number): number {
  const index = buildIndex(centres);
  let squared = new Float64Array(64);
  let radius = 1;
  let total = 0;
  for (const i of which) {
    const c = centres[i]!;
    let found = index.within(c.x, c.y, radius);
    while (found.length < k + 1) {
      radius *= 2;
      found = index.within(c.x, c.y, radius);
    }
    if (squared.length < found.length) squared = new Float64Array(found.length * 2);
    let m = 0;
    for (const j of found) {
      if (j === i) continue;
      const dx = centres[j]!.x - c.x;
      const dy = centres[j]!.y - c.y;
      squared[m++] = dx * dx + dy * dy;
    }
    total += Math.sqrt(selectKth(squared, m, k - 1));
  }
  return total;
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
  const { distanceMeters, defaultK, neighbours } = hexNeighbourhood(
    cells,
    opts.sizeMeters,
    opts.distanceMeters,
  );
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
