import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { bngCollection } from '../common/geojson.ts';
import { requireNumberInRange } from '../errors.ts';
import type { StudyArea } from '../hex-grid/hex-grid.ts';

/**
 * A square lattice on British National Grid metres: cell (i, j) covers
 * [i·size, (i+1)·size) × [j·size, (j+1)·size), so a cell keeps its id across runs and areas (the
 * same cells PostGIS `ST_SquareGrid(size, …)` draws). Only the cells whose centre lies inside the
 * study area belong to it; their total area stands for the area A in PAI = (n/N)/(a/A).
 */
export interface SquareLattice {
  readonly sizeMeters: number;
  /** Column and row of the south-west corner of the bounding box. */
  readonly i0: number;
  readonly j0: number;
  readonly cols: number;
  readonly rows: number;
  /** For every cell in the area, its column i and row j, ordered by row j, then column i. */
  readonly is: Int32Array;
  readonly js: Int32Array;
  /** Position in `is`/`js` of box cell (i - i0) + (j - j0)·cols, or -1 outside the area. */
  readonly slot: Int32Array;
}

/** Cells in the area (`is.length`). */
export function latticeSize(lattice: SquareLattice): number {
  return lattice.is.length;
}

/** Largest bounding box, in cells, a lattice may span (about 40 × 40 km at 25 m). */
export const MAX_LATTICE_BOX_CELLS = 2_600_000;

/**
 * The square cells whose centres lie inside `area` (even-odd rule over every ring, so holes are
 * left out). A scanline per row of centres, not a point-in-polygon test per cell: a 50 m lattice
 * over a district has a few hundred thousand cells.
 */
export function squareLattice(area: StudyArea, sizeMeters: number): SquareLattice {
  requireNumberInRange('sizeMeters', sizeMeters, 1, 100_000);
  const geometry = area.type === 'Feature' ? area.geometry : area;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const edges: number[] = [];
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [ax, ay] = ring[k] as [number, number];
        const [bx, by] = ring[k + 1] as [number, number];
        edges.push(ax, ay, bx, by);
        minX = Math.min(minX, ax);
        maxX = Math.max(maxX, ax);
        minY = Math.min(minY, ay);
        maxY = Math.max(maxY, ay);
      }
    }
  }
  if (!Number.isFinite(minX)) {
    return {
      sizeMeters,
      i0: 0,
      j0: 0,
      cols: 0,
      rows: 0,
      is: new Int32Array(0),
      js: new Int32Array(0),
      slot: new Int32Array(0),
    };
  }
  const i0 = Math.floor(minX / sizeMeters);
  const j0 = Math.floor(minY / sizeMeters);
  const cols = Math.floor(maxX / sizeMeters) - i0 + 1;
  const rows = Math.floor(maxY / sizeMeters) - j0 + 1;
  requireNumberInRange('lattice cells in the bounding box', cols * rows, 0, MAX_LATTICE_BOX_CELLS);
  const slot = new Int32Array(cols * rows).fill(-1);
  const is: number[] = [];
  const js: number[] = [];
  const crossings: number[] = [];
  for (let r = 0; r < rows; r++) {
    const y = (j0 + r + 0.5) * sizeMeters;
    crossings.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      const ay = edges[e + 1]!;
      const by = edges[e + 3]!;
      // Half-open in y, so a vertex on the scanline is counted once.
      if (ay <= y === by <= y) continue;
      const ax = edges[e]!;
      const bx = edges[e + 2]!;
      crossings.push(ax + ((y - ay) / (by - ay)) * (bx - ax));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil(crossings[k]! / sizeMeters - 0.5) - i0);
      const to = Math.min(cols - 1, Math.ceil(crossings[k + 1]! / sizeMeters - 0.5) - i0 - 1);
      for (let c = from; c <= to; c++) {
        slot[r * cols + c] = is.length;
        is.push(i0 + c);
        js.push(j0 + r);
      }
    }
  }
  return {
    sizeMeters,
    i0,
    j0,
    cols,
    rows,
    is: Int32Array.from(is),
    js: Int32Array.from(js),
    slot,
  };
}

/** The lattice position of the cell holding (x, y), or -1 when that cell is not in the area. */
export function latticeSlotAt(lattice: SquareLattice, x: number, y: number): number {
  const c = Math.floor(x / lattice.sizeMeters) - lattice.i0;
  const r = Math.floor(y / lattice.sizeMeters) - lattice.j0;
  if (c < 0 || r < 0 || c >= lattice.cols || r >= lattice.rows) return -1;
  return lattice.slot[r * lattice.cols + c]!;
}

/** Stable id `"<i>:<j>"` of a lattice position. */
export function latticeCellId(lattice: SquareLattice, position: number): string {
  return `${lattice.is[position]}:${lattice.js[position]}`;
}

/** Closed, counter-clockwise ring of a lattice cell, metres. */
export function latticeCellRing(lattice: SquareLattice, position: number): [number, number][] {
  const s = lattice.sizeMeters;
  const x0 = lattice.is[position]! * s;
  const y0 = lattice.js[position]! * s;
  return [
    [x0, y0],
    [x0 + s, y0],
    [x0 + s, y0 + s],
    [x0, y0 + s],
    [x0, y0],
  ];
}

/** Lattice cells as GeoJSON polygons (EPSG:27700 metres) carrying per-cell properties. */
export function latticeCellsToGeoJson<P extends Record<string, unknown>>(
  lattice: SquareLattice,
  positions: readonly number[],
  properties: (position: number) => P,
) {
  return bngCollection(
    positions.map(
      (p): Feature<Polygon | MultiPolygon, P> => ({
        type: 'Feature',
        id: latticeCellId(lattice, p),
        properties: properties(p),
        geometry: { type: 'Polygon', coordinates: [latticeCellRing(lattice, p)] },
      }),
    ),
  );
}
