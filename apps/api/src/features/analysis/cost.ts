import { hexAreaSquareMeters, sliceOrdinal, type TimeSliceUnit } from '@hotspot/analysis';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

/**
 * What an analysis would cost, estimated before it starts from the partnership's area, the
 * request's parameters and (where it matters) a count of the selected reports; and the ceilings
 * above which a request is refused with 422 naming the limit. Pure functions: the routes gather
 * the inputs and call `refuseOverCeiling`. The ceilings and why they are where they are:
 * docs/SECURITY.md, "Bounded cost".
 *
 * Estimates assume reports spread evenly over the area. Clustered data needs more neighbour
 * pairs than estimated for DBSCAN, repeat locations and the density support test; the compute
 * worker's time and memory limits stop what slips through.
 */
export const COST_CEILINGS = {
  /** Hexagons analysed by Gi* or emerging hot spots (the area's cells plus any holding reports). */
  hexCells: 100_000,
  /** Gi* cell-neighbour pairs: cells x (neighbours within the distance band + the cell itself). */
  cellNeighbourPairs: 5_000_000,
  /** Emerging hot spots: hexagons x time slices. */
  spaceTimeBins: 600_000,
  /** Emerging hot spots: bins x (neighbours in this and the previous slice). */
  binNeighbourPairs: 20_000_000,
  /** Kernel density grid cells over the area plus the bandwidth on every side. */
  densityGridCells: 4_000_000,
  /** Kernel density: reports x grid cells within the bandwidth of each. */
  densityKernelCells: 200_000_000,
  /** Reports one analysis takes in (DBSCAN, repeat locations, density). */
  points: 500_000,
  /** DBSCAN, repeat locations and the density support test: reports x reports within reach. */
  pointNeighbourPairs: 50_000_000,
} as const;

export type CostLimit = keyof typeof COST_CEILINGS;

/** One estimate against its ceiling; `advice` says how to bring it under. */
export interface CostEstimate {
  readonly limit: CostLimit;
  /** What is counted, as the sentence says it: "cell-neighbour pairs". */
  readonly unit: string;
  readonly estimate: number;
  readonly advice: string;
}

type Ring = readonly (readonly number[])[];
export type Polygonal =
  | { readonly type: 'Polygon'; readonly coordinates: readonly Ring[] }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly (readonly Ring[])[] };

function ringArea(ring: Ring): number {
  let twice = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x0, y0] = ring[k]!;
    const [x1, y1] = ring[k + 1]!;
    twice += x0! * y1! - x1! * y0!;
  }
  return Math.abs(twice) / 2;
}

/** Area of a projected (metre) polygon: outer rings less their holes. */
export function areaSquareMeters(area: Polygonal): number {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  let total = 0;
  for (const rings of polygons) {
    rings.forEach((ring, k) => {
      total += k === 0 ? ringArea(ring) : -ringArea(ring);
    });
  }
  return Math.max(0, total);
}

/** [width, height] of a projected polygon's bounding box, metres. */
export function extentMeters(area: Polygonal): readonly [number, number] {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const rings of polygons) {
    for (const [x, y] of rings[0] ?? []) {
      minX = Math.min(minX, x!);
      minY = Math.min(minY, y!);
      maxX = Math.max(maxX, x!);
      maxY = Math.max(maxY, y!);
    }
  }
  return Number.isFinite(minX) ? [maxX - minX, maxY - minY] : [0, 0];
}

/** The partnership's area in square metres and its extent; null when no area is set. */
export interface AreaShape {
  readonly squareMeters: number;
  readonly widthMeters: number;
  readonly heightMeters: number;
}

export function areaShape(area: Polygonal | undefined): AreaShape | null {
  if (!area) return null;
  const [widthMeters, heightMeters] = extentMeters(area);
  return { squareMeters: areaSquareMeters(area), widthMeters, heightMeters };
}

/**
 * Hexagons a hot spot analysis takes in: those covering the area (zeros included), or without an
 * area only the hexagons holding reports, at most one per report.
 */
export function hexCellCount(area: AreaShape | null, sizeMeters: number, points: number): number {
  if (!area) return points;
  return Math.ceil(area.squareMeters / hexAreaSquareMeters(sizeMeters));
}

/**
 * Neighbours of a hexagon within the distance band (itself excluded): the lattice cells whose
 * centres fall within the band, at most every other cell. The default band is the mean distance
 * to the k-th nearest cell (k = 5 % of the cells, 3..30), so about k neighbours.
 */
export function hexNeighbourCount(
  cells: number,
  sizeMeters: number,
  distanceMeters: number | null,
): number {
  const others = Math.max(0, cells - 1);
  if (distanceMeters === null)
    return Math.min(others, Math.min(30, Math.max(3, Math.round(0.05 * cells))));
  return Math.min(
    others,
    Math.floor((Math.PI * distanceMeters ** 2) / hexAreaSquareMeters(sizeMeters)),
  );
}

const HEX_ADVICE = 'use a larger cell size or a smaller area';
const BAND_ADVICE = 'use a larger cell size or a shorter distance band';

/** Gi* on hexagons: the cells analysed and the cell-neighbour pairs summed. */
export function gistarCost(p: {
  readonly area: AreaShape | null;
  readonly sizeMeters: number;
  readonly distanceMeters: number | null;
  readonly points: number;
}): CostEstimate[] {
  const cells = hexCellCount(p.area, p.sizeMeters, p.points);
  const neighbours = hexNeighbourCount(cells, p.sizeMeters, p.distanceMeters);
  return [
    { limit: 'hexCells', unit: 'hexagons', estimate: cells, advice: HEX_ADVICE },
    {
      limit: 'cellNeighbourPairs',
      unit: 'cell-neighbour pairs',
      estimate: cells * (neighbours + 1),
      advice: BAND_ADVICE,
    },
  ];
}

/** Time slices (ISO weeks from Monday, or calendar months, UTC) that [from, to] touches. */
export function timeSliceCount(from: string, to: string, slice: TimeSliceUnit): number {
  const first = sliceOrdinal(Date.parse(from), slice);
  return Math.max(0, sliceOrdinal(Date.parse(to), slice) - first + 1);
}

/** Emerging hot spots: the space-time cube and its neighbour pairs (this slice and the one before). */
export function emergingCost(p: {
  readonly area: AreaShape | null;
  readonly sizeMeters: number;
  readonly distanceMeters: number | null;
  readonly points: number;
  readonly from: string;
  readonly to: string;
  readonly slice: TimeSliceUnit;
}): CostEstimate[] {
  const cells = hexCellCount(p.area, p.sizeMeters, p.points);
  const neighbours = hexNeighbourCount(cells, p.sizeMeters, p.distanceMeters);
  const bins = cells * timeSliceCount(p.from, p.to, p.slice);
  const shorter = `use a larger cell size, a shorter period${p.slice === 'week' ? ' or monthly slices' : ''}`;
  return [
    { limit: 'hexCells', unit: 'hexagons', estimate: cells, advice: HEX_ADVICE },
    { limit: 'spaceTimeBins', unit: 'hexagon-period bins', estimate: bins, advice: shorter },
    {
      limit: 'binNeighbourPairs',
      unit: 'bin-neighbour pairs',
      estimate: bins * 2 * (neighbours + 1),
      advice: `${shorter} or a shorter distance band`,
    },
  ];
}

/**
 * Reports within `radius` of a report, at the area's average density (the report itself
 * included), at most every report. Without an area every report is assumed within reach.
 */
function pairsWithin(area: AreaShape | null, points: number, radiusMeters: number): number {
  if (!area || area.squareMeters <= 0) return points * points;
  const perPoint = 1 + ((points - 1) * Math.PI * radiusMeters ** 2) / area.squareMeters;
  return Math.round(points * Math.min(points, perPoint));
}

function pointsEstimate(points: number): CostEstimate {
  return {
    limit: 'points',
    unit: 'reports',
    estimate: points,
    advice: 'use a shorter period or narrower filters',
  };
}

/** DBSCAN and repeat locations: reports and the report pairs within the radius. */
export function neighbourhoodCost(p: {
  readonly area: AreaShape | null;
  readonly points: number;
  readonly radiusMeters: number;
  readonly radiusName: string;
}): CostEstimate[] {
  return [
    pointsEstimate(p.points),
    {
      limit: 'pointNeighbourPairs',
      unit: 'report-neighbour pairs',
      estimate: pairsWithin(p.area, p.points, p.radiusMeters),
      advice: `use a smaller ${p.radiusName}, a shorter period or narrower filters`,
    },
  ];
}

/**
 * The default kernel bandwidth (0.9 x spread x n^-0.2) bounded above by taking the spread as
 * half the area's smaller side; the default cell is the smaller side / 250.
 */
export function densityCost(p: {
  readonly area: AreaShape | null;
  readonly points: number;
  readonly bandwidthMeters: number | null;
  readonly cellSizeMeters: number | null;
  /** Non-analysts: reports are first tested for k others within the bandwidth. */
  readonly supportTest: boolean;
}): CostEstimate[] {
  const out = [pointsEstimate(p.points)];
  if (!p.area) return out;
  const side = Math.min(p.area.widthMeters, p.area.heightMeters);
  const h = p.bandwidthMeters ?? 0.9 * (side / 2) * Math.max(2, p.points) ** -0.2;
  const cs = p.cellSizeMeters ?? Math.max(1, Math.round(side / 250));
  const grid =
    Math.ceil((p.area.widthMeters + 2 * h) / cs + 3) *
    Math.ceil((p.area.heightMeters + 2 * h) / cs + 3);
  const kernel = Math.min(grid, Math.ceil((Math.PI * h * h) / (cs * cs)));
  out.push(
    {
      limit: 'densityGridCells',
      unit: 'grid cells',
      estimate: grid,
      advice: 'use a larger cell size or a smaller bandwidth',
    },
    {
      limit: 'densityKernelCells',
      unit: 'report-cell kernel sums',
      estimate: p.points * kernel,
      advice: 'use a larger cell size, a smaller bandwidth or a shorter period',
    },
  );
  if (p.supportTest) {
    out.push({
      limit: 'pointNeighbourPairs',
      unit: 'report-neighbour pairs',
      estimate: pairsWithin(p.area, p.points, h),
      advice: 'use a smaller bandwidth, a shorter period or narrower filters',
    });
  }
  return out;
}

/** The first estimate over its ceiling, or null when the request may run. */
export function overCeiling(estimates: readonly CostEstimate[]): CostEstimate | null {
  return estimates.find((e) => e.estimate > COST_CEILINGS[e.limit]) ?? null;
}

const number = new Intl.NumberFormat('en-GB');

/** 422 problem naming the limit, e.g. "...48,000,000 cell-neighbour pairs; the limit is ...". */
export function refuseOverCeiling(estimates: readonly CostEstimate[]): void {
  const over = overCeiling(estimates);
  if (!over) return;
  const limit = COST_CEILINGS[over.limit];
  throw new ProblemError(
    PROBLEM.validation,
    `This request would compute ${number.format(over.estimate)} ${over.unit}; the limit is ${number.format(limit)}: ${over.advice}.`,
    { code: 'TOO_COSTLY', limit: over.limit, estimate: over.estimate, ceiling: limit },
  );
}
