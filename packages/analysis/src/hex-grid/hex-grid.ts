import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { bngCollection } from '../common/geojson.ts';
import type { PointXY } from '../common/types.ts';
import { requireNumberInRange } from '../errors.ts';

/** One sentence for a tasking meeting. */
export const HEX_GRID_EXPLANATION =
  'The area is divided into equal hexagons and the reports in each are counted, so places can be compared fairly without showing any individual report.';

/**
 * Flat-topped hexagons with `sizeMeters` = circumradius = edge length (centre to corner), the same
 * convention, orientation, origin (BNG 0,0) and column/row numbering as PostGIS
 * `ST_HexagonGrid(size, bounds)`: cell (i, j) has its centre at
 *   x = 1.5 · size · i,   y = √3 · size · (j + (i odd ? ½ : 0)).
 * So a cell keeps its id across runs, extents and zooms, and the database can draw the same cells.
 * Distance across flats = √3 · size; area = (3√3/2) · size².
 */
export interface HexCellRef {
  /** Stable id `"<i>:<j>"`, unique for a given `sizeMeters`. */
  readonly id: string;
  /** PostGIS ST_HexagonGrid column. */
  readonly i: number;
  /** PostGIS ST_HexagonGrid row. */
  readonly j: number;
  /** Centre, metres. */
  readonly x: number;
  readonly y: number;
}

const SQRT3 = Math.sqrt(3);

export function hexCellId(i: number, j: number): string {
  return `${i}:${j}`;
}

export function hexCentre(i: number, j: number, sizeMeters: number): PointXY {
  return { x: 1.5 * sizeMeters * i, y: SQRT3 * sizeMeters * (j + (i & 1 ? 0.5 : 0)) };
}

export function hexCell(i: number, j: number, sizeMeters: number): HexCellRef {
  const c = hexCentre(i, j, sizeMeters);
  return { id: hexCellId(i, j), i, j, x: c.x, y: c.y };
}

/** Area of one hexagon in square metres. */
export function hexAreaSquareMeters(sizeMeters: number): number {
  return 1.5 * SQRT3 * sizeMeters * sizeMeters;
}

/** The (i, j) of the hexagon containing a point (cube rounding of axial coordinates). */
export function hexIndexAt(x: number, y: number, sizeMeters: number): { i: number; j: number } {
  const qf = ((2 / 3) * x) / sizeMeters;
  const rf = ((-1 / 3) * x + (SQRT3 / 3) * y) / sizeMeters;
  const sf = -qf - rf;
  let q = Math.round(qf);
  let r = Math.round(rf);
  const s = Math.round(sf);
  const dq = Math.abs(q - qf);
  const dr = Math.abs(r - rf);
  const ds = Math.abs(s - sf);
  if (dq > dr && dq > ds) q = -r - s;
  else if (dr > ds) r = -q - s;
  // Axial (q, r) -> PostGIS offset (i, j): odd columns are shifted up by half a cell.
  return { i: q, j: r + Math.floor(q / 2) };
}

/** Closed, counter-clockwise ring of the hexagon (vertex order as PostGIS), metres. */
export function hexRing(i: number, j: number, sizeMeters: number): [number, number][] {
  const c = hexCentre(i, j, sizeMeters);
  const h = SQRT3 * sizeMeters;
  const xs = [-1, -0.5, 0.5, 1, 0.5, -0.5, -1];
  const ys = [0, -0.5, -0.5, 0, 0.5, 0.5, 0];
  return xs.map((fx, k) => [c.x + fx * sizeMeters, c.y + ys[k]! * h]);
}

/** A study area in EPSG:27700 metres (e.g. the partnership's area polygon). */
export type StudyArea = Polygon | MultiPolygon | Feature<Polygon | MultiPolygon>;

export interface HexCount extends HexCellRef {
  readonly count: number;
}

export interface HexAggregationOptions {
  readonly sizeMeters: number;
  /**
   * When given, every hexagon whose centre lies inside the area enters the result, with count 0 if
   * no report falls in it (as ArcGIS aggregates incidents into a tessellation of the study area).
   * Hexagons holding reports are always kept, even if their centre is just outside the boundary.
   * Without it, only hexagons holding reports are returned.
   */
  readonly studyArea?: StudyArea;
}

const KEY_OFFSET = 1 << 22;
const KEY_COLUMN = 2 ** 23;
// Ordering keys orders cells by column i, then row j.
const keyOf = (i: number, j: number) => (i + KEY_OFFSET) * KEY_COLUMN + (j + KEY_OFFSET);

/**
 * Counts points per hexagon. Cells come back ordered by column i, then row j.
 *
 * @example
 * aggregateToHexes([{ x: 383000, y: 276500 }], { sizeMeters: 250 })
 * // -> [{ id: '1021:638', i: 1021, j: 638, x: 382875, y: 276561.0..., count: 1 }]
 */
export function aggregateToHexes(
  points: readonly PointXY[],
  options: HexAggregationOptions,
): HexCount[] {
  const { sizeMeters, studyArea } = options;
  requireNumberInRange('sizeMeters', sizeMeters, 1, 100_000);
  // hexIndexAt inlined (the same arithmetic, so the same cell for a point on an edge), into typed
  // arrays: this loop sees every record, so no per-point objects.
  const n = points.length;
  const is = new Int32Array(n);
  const js = new Int32Array(n);
  let iMin = 0;
  let iMax = -1;
  let jMin = 0;
  let jMax = -1;
  for (let k = 0; k < n; k++) {
    const { x, y } = points[k]!;
    const qf = ((2 / 3) * x) / sizeMeters;
    const rf = ((-1 / 3) * x + (SQRT3 / 3) * y) / sizeMeters;
    const sf = -qf - rf;
    let q = Math.round(qf);
    let r = Math.round(rf);
    const s = Math.round(sf);
    const dq = Math.abs(q - qf);
    const dr = Math.abs(r - rf);
    const ds = Math.abs(s - sf);
    if (dq > dr && dq > ds) q = -r - s;
    else if (dr > ds) r = -q - s;
    const j = r + Math.floor(q / 2);
    is[k] = q;
    js[k] = j;
    if (k === 0) {
      iMin = iMax = q;
      jMin = jMax = j;
    } else {
      if (q < iMin) iMin = q;
      else if (q > iMax) iMax = q;
      if (j < jMin) jMin = j;
      else if (j > jMax) jMax = j;
    }
  }
  const counts = new Map<number, number>();
  const rows = jMax - jMin + 1;
  const span = (iMax - iMin + 1) * rows;
  if (n > 0 && span <= Math.max(65_536, 4 * n)) {
    // Points in a compact region (the usual case): count on a dense grid over their extent.
    const grid = new Int32Array(span);
    for (let k = 0; k < n; k++) grid[(is[k]! - iMin) * rows + (js[k]! - jMin)]! += 1;
    for (let cell = 0; cell < span; cell++) {
      const count = grid[cell]!;
      if (count > 0) counts.set(keyOf(iMin + Math.floor(cell / rows), jMin + (cell % rows)), count);
    }
  } else {
    for (let k = 0; k < n; k++) {
      const key = keyOf(is[k]!, js[k]!);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  if (studyArea) {
    for (const { i, j } of hexesCoveringArea(studyArea, sizeMeters)) {
      const key = keyOf(i, j);
      if (!counts.has(key)) counts.set(key, 0);
    }
  }
  const keys = Float64Array.from(counts.keys()).sort();
  const out = new Array<HexCount>(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const i = Math.floor(key / KEY_COLUMN) - KEY_OFFSET;
    const j = (key % KEY_COLUMN) - KEY_OFFSET;
    out[k] = { ...hexCell(i, j, sizeMeters), count: counts.get(key)! };
  }
  return out;
}

/** Hexagons whose centres fall inside the area, ordered by i then j. */
export function hexesCoveringArea(area: StudyArea, sizeMeters: number): HexCellRef[] {
  const geometry = area.type === 'Feature' ? area.geometry : area;
  const rings = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const polygon of rings) {
    for (const [x, y] of polygon[0] ?? []) {
      minX = Math.min(minX, x!);
      minY = Math.min(minY, y!);
      maxX = Math.max(maxX, x!);
      maxY = Math.max(maxY, y!);
    }
  }
  if (!Number.isFinite(minX)) return [];
  const h = SQRT3 * sizeMeters;
  const iMin = Math.floor(minX / (1.5 * sizeMeters)) - 1;
  const iMax = Math.ceil(maxX / (1.5 * sizeMeters)) + 1;
  const jMin = Math.floor(minY / h) - 1;
  const jMax = Math.ceil(maxY / h) + 1;
  const out: HexCellRef[] = [];
  for (let i = iMin; i <= iMax; i++) {
    for (let j = jMin; j <= jMax; j++) {
      const c = hexCentre(i, j, sizeMeters);
      if (c.x < minX || c.x > maxX || c.y < minY || c.y > maxY) continue;
      if (booleanPointInPolygon([c.x, c.y], geometry)) out.push(hexCell(i, j, sizeMeters));
    }
  }
  return out;
}

/**
 * Hexagon polygons as GeoJSON (EPSG:27700 metres) carrying the given per-cell properties, for
 * fixtures and for the API (which reprojects and applies disclosure control).
 */
export function hexesToGeoJson<C extends HexCellRef, P extends Record<string, unknown>>(
  cells: readonly C[],
  sizeMeters: number,
  properties: (cell: C) => P,
) {
  return bngCollection(
    cells.map((cell) => ({
      type: 'Feature' as const,
      id: cell.id,
      properties: properties(cell),
      geometry: { type: 'Polygon' as const, coordinates: [hexRing(cell.i, cell.j, sizeMeters)] },
    })),
  );
}
