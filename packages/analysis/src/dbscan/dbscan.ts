// Over 400 lines because the grid DBSCAN, the plain graph version it is checked against and the
// comparison with PostGIS's clustering belong in one reading.
import { bngCollection } from '../common/geojson.ts';
import { buildIndex } from '../common/spatial-index.ts';
import type { PointXY } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';

/** One sentence for a tasking meeting. */
export const DBSCAN_EXPLANATION =
  'DBSCAN groups reports that sit close together: a place becomes a cluster when at least the minimum number of reports lie within the chosen distance of one another, and isolated reports are left out as noise.';

export interface DbscanOptions {
  /** Neighbourhood radius in metres; a point exactly `epsMeters` away is a neighbour (inclusive). */
  readonly epsMeters: number;
  /** Neighbours (weights) needed for a core point, counting the point itself. */
  readonly minPoints: number;
  /**
   * Optional per-point weights (scikit-learn `sample_weight`): a point is core when the summed
   * weight of its neighbourhood, itself included, is at least `minPoints`. Defaults to 1 each.
   */
  readonly weights?: readonly number[];
}

export interface DbscanCluster {
  /** 0, 1, 2, ... in order of each cluster's lowest-index core point. */
  readonly id: number;
  readonly size: number;
  readonly coreCount: number;
  /** Indices into the input array, ascending. */
  readonly pointIndices: readonly number[];
  /** Mean centre of the members, metres. */
  readonly centroid: PointXY;
  /** [minX, minY, maxX, maxY] of the members, metres. */
  readonly bbox: readonly [number, number, number, number];
}

export interface DbscanResult {
  /** Cluster id per input point; -1 is noise. */
  readonly labels: readonly number[];
  /** Whether each input point is a core point. */
  readonly isCore: readonly boolean[];
  readonly clusters: readonly DbscanCluster[];
  readonly noiseCount: number;
  readonly params: { readonly epsMeters: number; readonly minPoints: number };
}

/**
 * Writes the indices of every neighbour of point `i` (itself included) into `out` and returns how
 * many it wrote. Lets the same algorithm run on a kd-tree or on a precomputed neighbour graph.
 */
export type NeighbourQuery = (i: number, out: Uint32Array) => number;

/**
 * DBSCAN over an abstract neighbourhood (used by `dbscan`, and by tests on precomputed graphs).
 *
 * Determinism: clusters are numbered in order of their lowest-index core point, and each cluster is
 * expanded completely before the next starts. A border point (not core, but within reach of cores of
 * several clusters) therefore belongs to the lowest-numbered cluster that reaches it. This matches
 * scikit-learn's labels exactly.
 */
export function dbscanGraph(
  n: number,
  neighbours: NeighbourQuery,
  minPoints: number,
  weights?: readonly number[],
): { labels: number[]; isCore: boolean[] } {
  const buffer = new Uint32Array(Math.max(1, n));
  const isCore = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    const count = neighbours(i, buffer);
    let mass = count;
    if (weights) {
      mass = 0;
      for (let k = 0; k < count; k++) mass += weights[buffer[k]!]!;
    }
    isCore[i] = mass >= minPoints;
  }

  const labels = new Array<number>(n).fill(-1);
  const stack = new Int32Array(Math.max(1, n));
  let nextCluster = 0;
  for (let seed = 0; seed < n; seed++) {
    if (!isCore[seed] || labels[seed] !== -1) continue;
    const cluster = nextCluster++;
    labels[seed] = cluster;
    let top = 0;
    stack[top++] = seed;
    while (top > 0) {
      const p = stack[--top]!;
      const count = neighbours(p, buffer);
      for (let k = 0; k < count; k++) {
        const q = buffer[k]!;
        if (labels[q] !== -1) continue;
        labels[q] = cluster;
        // Only core points spread the cluster; border points are labelled but not expanded.
        if (isCore[q]) stack[top++] = q;
      }
    }
  }
  return { labels, isCore };
}

/**
 * Density-based clustering of points in metres, indexed with a kd-tree (kdbush), so each point costs
 * two radius queries: O(n log n) plus the size of the neighbourhoods.
 *
 * @example
 * const r = dbscan([{ x: 0, y: 0 }, { x: 50, y: 0 }, { x: 900, y: 0 }], { epsMeters: 100, minPoints: 2 });
 * // r.labels -> [0, 0, -1]
 */
export function dbscan(points: readonly PointXY[], options: DbscanOptions): DbscanResult {
  const { epsMeters, minPoints, weights } = options;
  requireNumberInRange('epsMeters', epsMeters, 0, 1e7);
  requireNumberInRange('minPoints', minPoints, 0, 1e9);
  if (weights && weights.length !== points.length) {
    throw new AnalysisInputError(
      'INVALID_PARAMETER',
      `weights has ${weights.length} entries but there are ${points.length} points.`,
    );
  }
  const index = buildIndex(points);
  const { labels, isCore } =
    epsMeters > 0 && gridFits(points, epsMeters)
      ? gridDbscan(points, index, epsMeters, minPoints, weights)
      : dbscanGraph(
          points.length,
          (i, out) => index.withinInto(points[i]!.x, points[i]!.y, epsMeters, out),
          minPoints,
          weights,
        );
  return {
    labels,
    isCore,
    clusters: summariseLabels(points, labels, isCore),
    noiseCount: labels.reduce((s, l) => s + (l === -1 ? 1 : 0), 0),
    params: { epsMeters, minPoints },
  };
}

/** A cell side of eps/√2 keeps every pair inside one cell within eps; refuse absurd grids. */
function gridFits(points: readonly PointXY[], eps: number): boolean {
  if (points.length === 0) return false;
  const [minX, minY, maxX, maxY] = extent(points);
  const side = eps / Math.SQRT2;
  return ((maxX - minX) / side + 1) * ((maxY - minY) / side + 1) < 2 ** 50;
}

function extent(points: readonly PointXY[]): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return [minX, minY, maxX, maxY];
}

// Cell offsets that can hold a point within eps of a point in the centre cell (side eps/√2),
// keeping only the "forward" half so each cell pair is examined once.
const FORWARD_OFFSETS: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (let dy = 0; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      if (dy === 0 && dx <= 0) continue;
      if (Math.abs(dx) === 2 && dy === 2) continue;
      out.push([dx, dy]);
    }
  }
  return out;
})();

/**
 * Grid-accelerated DBSCAN (Gunawan's method) giving exactly `dbscanGraph`'s labels:
 * - a cell of side eps/√2 holding at least minPoints points makes all of them core without a query;
 * - cores in one cell are always connected, so clusters are connected components of cells, two cells
 *   joined when some pair of their cores is within eps (checked with early exit);
 * - clusters are numbered by their lowest-index core point, and a border point takes the lowest
 *   cluster id among the cores within eps of it: the same rule as sequential expansion.
 * This avoids one radius query per point in dense town-centre clusters, where neighbourhoods hold
 * thousands of points.
 */
function gridDbscan(
  points: readonly PointXY[],
  index: ReturnType<typeof buildIndex>,
  eps: number,
  minPoints: number,
  weights: readonly number[] | undefined,
): { labels: number[]; isCore: boolean[] } {
  const n = points.length;
  const [minX, minY, maxX] = extent(points);
  const side = eps / Math.SQRT2;
  const nx = Math.floor((maxX - minX) / side) + 5;
  const cellKey = (ix: number, iy: number) => iy * nx + ix;
  const cells = new Map<number, { ix: number; iy: number; members: number[]; cores: number[] }>();
  const cellOfPoint = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const ix = Math.floor((p.x - minX) / side) + 2;
    const iy = Math.floor((p.y - minY) / side) + 2;
    const key = cellKey(ix, iy);
    cellOfPoint[i] = key;
    const cell = cells.get(key);
    if (cell) cell.members.push(i);
    else cells.set(key, { ix, iy, members: [i], cores: [] });
  }

  const nonNegative = !weights || weights.every((w) => w >= 0);
  const isCore = new Array<boolean>(n).fill(false);
  const buffer = new Uint32Array(n);
  for (const cell of cells.values()) {
    let cellMass = cell.members.length;
    if (weights) cellMass = cell.members.reduce((s, i) => s + weights[i]!, 0);
    if (nonNegative && cellMass >= minPoints) {
      for (const i of cell.members) isCore[i] = true;
      continue;
    }
    for (const i of cell.members) {
      const p = points[i]!;
      const count = index.withinInto(p.x, p.y, eps, buffer);
      let mass = count;
      if (weights) {
        mass = 0;
        for (let k = 0; k < count; k++) mass += weights[buffer[k]!]!;
      }
      isCore[i] = mass >= minPoints;
    }
  }
  for (const cell of cells.values()) {
    for (const i of cell.members) if (isCore[i]) cell.cores.push(i);
  }

  // Union-find over cells that hold cores.
  const parent = new Map<number, number>();
  const find = (k: number): number => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = k;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const [key, cell] of cells) if (cell.cores.length > 0) parent.set(key, key);
  const eps2 = eps * eps;
  for (const [key, cell] of cells) {
    if (cell.cores.length === 0) continue;
    for (const [dx, dy] of FORWARD_OFFSETS) {
      const otherKey = cellKey(cell.ix + dx, cell.iy + dy);
      const other = cells.get(otherKey);
      if (!other || other.cores.length === 0) continue;
      const ra = find(key);
      const rb = find(otherKey);
      if (ra === rb) continue;
      if (anyPairWithin(points, cell.cores, other.cores, eps2)) parent.set(ra, rb);
    }
  }

  const labels = new Array<number>(n).fill(-1);
  const clusterOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (!isCore[i]) continue;
    const root = find(cellOfPoint[i]!);
    let id = clusterOfRoot.get(root);
    if (id === undefined) {
      id = clusterOfRoot.size;
      clusterOfRoot.set(root, id);
    }
    labels[i] = id;
  }
  for (let i = 0; i < n; i++) {
    if (isCore[i]) continue;
    const p = points[i]!;
    const count = index.withinInto(p.x, p.y, eps, buffer);
    let best = -1;
    for (let k = 0; k < count; k++) {
      const j = buffer[k]!;
      if (!isCore[j]) continue;
      const l = labels[j]!;
      if (best === -1 || l < best) best = l;
    }
    labels[i] = best;
  }
  return { labels, isCore };
}

function anyPairWithin(
  points: readonly PointXY[],
  a: readonly number[],
  b: readonly number[],
  eps2: number,
): boolean {
  for (const i of a) {
    const p = points[i]!;
    for (const j of b) {
      const q = points[j]!;
      const dx = p.x - q.x;
      const dy = p.y - q.y;
      if (dx * dx + dy * dy <= eps2) return true;
    }
  }
  return false;
}

function summariseLabels(
  points: readonly PointXY[],
  labels: readonly number[],
  isCore: readonly boolean[],
): DbscanCluster[] {
  const members: number[][] = [];
  labels.forEach((label, i) => {
    if (label < 0) return;
    const list = members[label];
    if (list) list.push(i);
    else members[label] = [i];
  });
  return members.map((indices, id) => {
    let sx = 0;
    let sy = 0;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    let coreCount = 0;
    for (const i of indices) {
      const p = points[i]!;
      sx += p.x;
      sy += p.y;
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x);
      maxY = Math.max(maxY, p.y);
      if (isCore[i]) coreCount++;
    }
    return {
      id,
      size: indices.length,
      coreCount,
      pointIndices: indices,
      centroid: { x: sx / indices.length, y: sy / indices.length },
      bbox: [minX, minY, maxX, maxY] as const,
    };
  });
}

export interface ClusteringComparison {
  /** True when every check below passed. */
  readonly equivalent: boolean;
  /** Core points whose grouping differs (different partition, or noise in the candidate). */
  readonly coreMismatches: readonly number[];
  /** Border points the candidate left as noise, or put in a cluster none of whose cores is within eps. */
  readonly borderMismatches: readonly number[];
  /** Reference noise points the candidate put in a cluster. */
  readonly noiseMismatches: readonly number[];
  /** Reference cluster id -> candidate cluster id, as inferred from core points. */
  readonly mapping: ReadonlyMap<number, number | null>;
}

/**
 * Compares a candidate clustering (e.g. PostGIS `ST_ClusterDBSCAN`, noise given as -1 or null) with
 * a reference DBSCAN result, with the tolerance DBSCAN itself allows: core points must form exactly
 * the same groups (up to renumbering); a border point may sit in any cluster that has a core point
 * within `epsMeters` of it (implementations legitimately break that tie differently); noise must
 * stay noise.
 */
export function compareClusterings(
  reference: { readonly labels: readonly number[]; readonly isCore: readonly boolean[] },
  candidate: readonly (number | null)[],
  points: readonly PointXY[],
  epsMeters: number,
): ClusteringComparison {
  const n = points.length;
  if (reference.labels.length !== n || candidate.length !== n || reference.isCore.length !== n) {
    throw new AnalysisInputError(
      'INVALID_PARAMETER',
      'reference, candidate and points must have the same length.',
    );
  }
  const cand = (i: number): number => {
    const c = candidate[i];
    return c === null || c === undefined || c < 0 ? -1 : c;
  };
  const forward = new Map<number, number | null>();
  const backward = new Map<number, number>();
  const coreMismatches: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!reference.isCore[i]) continue;
    const r = reference.labels[i]!;
    const c = cand(i);
    if (c === -1) {
      coreMismatches.push(i);
      continue;
    }
    const seen = forward.get(r);
    const seenBack = backward.get(c);
    if (seen === undefined && seenBack === undefined) {
      forward.set(r, c);
      backward.set(c, r);
    } else if (seen !== c || seenBack !== r) {
      coreMismatches.push(i);
    }
  }

  // Core points of each candidate cluster, for the border check.
  const coresByCandidate = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!reference.isCore[i]) continue;
    const c = cand(i);
    if (c === -1) continue;
    let list = coresByCandidate.get(c);
    if (!list) {
      list = [];
      coresByCandidate.set(c, list);
    }
    list.push(i);
  }
  const eps2 = epsMeters * epsMeters;
  const borderMismatches: number[] = [];
  const noiseMismatches: number[] = [];
  for (let i = 0; i < n; i++) {
    if (reference.isCore[i]) continue;
    const c = cand(i);
    if (reference.labels[i] === -1) {
      if (c !== -1) noiseMismatches.push(i);
      continue;
    }
    const p = points[i]!;
    const cores = c === -1 ? undefined : coresByCandidate.get(c);
    const reachable = cores?.some((j) => {
      const q = points[j]!;
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      return dx * dx + dy * dy <= eps2;
    });
    if (!reachable) borderMismatches.push(i);
  }
  return {
    equivalent:
      coreMismatches.length === 0 && borderMismatches.length === 0 && noiseMismatches.length === 0,
    coreMismatches,
    borderMismatches,
    noiseMismatches,
    mapping: forward,
  };
}

const PALETTE = ['#e41a1c', '#377eb8', '#4daf4a', '#984ea3', '#ff7f00', '#a65628', '#f781bf'];

/**
 * The clustered points as GeoJSON (EPSG:27700 metres, simplestyle colours) for analysts' record-level
 * view and for fixtures. Properties: `index`, `cluster` (-1 noise), `role` (core | border | noise).
 */
export function dbscanToGeoJson(points: readonly PointXY[], result: DbscanResult) {
  return bngCollection(
    points.map((p, index) => {
      const cluster = result.labels[index]!;
      const role = result.isCore[index] ? 'core' : cluster === -1 ? 'noise' : 'border';
      return {
        type: 'Feature' as const,
        properties: {
          index,
          cluster,
          role,
          'marker-color': cluster === -1 ? '#999999' : PALETTE[cluster % PALETTE.length]!,
          'marker-size': role === 'core' ? 'medium' : 'small',
        },
        geometry: { type: 'Point' as const, coordinates: [p.x, p.y] },
      };
    }),
  );
}
