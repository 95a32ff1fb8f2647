import { isobands } from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Point } from 'geojson';
import { type BngFeatureCollection, bngCollection } from '../common/geojson.ts';
import { median, quantileSorted } from '../common/stats.ts';
import type { PointXY } from '../common/types.ts';
import { AnalysisInputError, requireNumberInRange } from '../errors.ts';

/** One sentence for a tasking meeting. */
export const KERNEL_DENSITY_EXPLANATION =
  'Kernel density spreads each report smoothly over the surrounding area, out to the search radius, and adds the results up, so the darkest bands show where reports are most concentrated per square kilometre.';

/** Largest surface computed, in cells; beyond this pick a larger cell size. */
export const MAX_DENSITY_CELLS = 4_000_000;

export interface KernelDensityOptions {
  /** Search radius h of the quartic kernel, metres. Default: `defaultBandwidth(points)`. */
  readonly bandwidthMeters?: number;
  /**
   * Surface cell size, metres. Default: the shorter side of the points' extent divided by 250
   * (ArcGIS's default), at least 1 m, rounded to whole metres.
   */
  readonly cellSizeMeters?: number;
  /** Quantiles of the non-zero surface at which bands start. Default [0.5, 0.75, 0.9, 0.95, 0.99]. */
  readonly quantiles?: readonly number[];
  /** Whether to compute contour bands (the surface alone is cheaper). Default true. */
  readonly contours?: boolean;
}

/**
 * A regular grid in EPSG:27700. Cell (col, row) has its centre at
 * (originX + col·cellSize, originY + row·cellSize); row 0 is the southern-most. Cell centres are
 * odd multiples of cellSize/2 from BNG 0,0, so the same cell has the same place in every run.
 */
export interface DensitySurface {
  readonly originX: number;
  readonly originY: number;
  readonly cellSizeMeters: number;
  readonly cols: number;
  readonly rows: number;
  /** Row-major (index = row·cols + col), in reports per square kilometre. */
  readonly values: Float64Array;
  readonly max: number;
  readonly unit: 'reports per km²';
}

export interface DensityBandProperties {
  readonly band: number;
  /** Lower and upper density of the band, reports per km². */
  readonly lower: number;
  readonly upper: number;
  /** The quantile of the non-zero surface at the lower edge. */
  readonly quantile: number;
  readonly fill: string;
  readonly 'fill-opacity': number;
}

export interface KernelDensityResult {
  readonly surface: DensitySurface;
  /** Filled contour bands (EPSG:27700 metres), lowest first; empty when `contours: false`. */
  readonly bands: BngFeatureCollection<MultiPolygon, DensityBandProperties>;
  readonly params: {
    readonly bandwidthMeters: number;
    readonly bandwidthSource: 'given' | 'default';
    readonly cellSizeMeters: number;
    readonly quantiles: readonly number[];
    /** Band edges actually used (reports per km²), last is the surface maximum. */
    readonly breaks: readonly number[];
    readonly points: number;
  };
}

/**
 * ArcGIS's default search radius (Silverman's rule of thumb, spatial form):
 *   h = 0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2
 * SD is the standard distance sqrt(Σ(x−x̄)²/n + Σ(y−ȳ)²/n), Dm the median distance from the mean
 * centre. Needs at least two distinct points.
 */
export function defaultBandwidth(points: readonly PointXY[]): number {
  const n = points.length;
  if (n < 2) {
    throw new AnalysisInputError(
      'TOO_FEW_POINTS',
      'The default kernel bandwidth needs at least two reports; give bandwidthMeters.',
    );
  }
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x;
    my += p.y;
  }
  mx /= n;
  my /= n;
  let ss = 0;
  const distances = new Float64Array(n);
  points.forEach((p, i) => {
    const dx = p.x - mx;
    const dy = p.y - my;
    ss += dx * dx + dy * dy;
    distances[i] = Math.sqrt(dx * dx + dy * dy);
  });
  const sd = Math.sqrt(ss / n);
  const dm = median(distances);
  const h = 0.9 * Math.min(sd, Math.sqrt(1 / Math.LN2) * dm) * n ** -0.2;
  if (!(h > 0)) {
    throw new AnalysisInputError(
      'NO_VARIATION',
      'All reports are at the same place, so no bandwidth can be estimated; give bandwidthMeters.',
    );
  }
  return h;
}

/**
 * Quartic (biweight) kernel density of points on a grid, as ArcGIS Kernel Density:
 *   density(c) = Σ_i 3/(π h²) · (1 − d_i²/h²)²   for d_i < h,
 * converted to reports per square kilometre (×10⁶). Each report contributes a total of one, so the
 * surface integrates to the number of reports. Contour bands (turf isobands) start at quantiles of
 * the non-zero cells and the top band ends at the maximum.
 *
 * @example
 * const { bands, params } = kernelDensity(points, { cellSizeMeters: 50 });
 * // params.bandwidthMeters holds the default radius actually used
 */
export function kernelDensity(
  points: readonly PointXY[],
  options: KernelDensityOptions = {},
): KernelDensityResult {
  if (points.length === 0) {
    throw new AnalysisInputError('TOO_FEW_POINTS', 'Kernel density needs at least one report.');
  }
  const h = options.bandwidthMeters ?? defaultBandwidth(points);
  requireNumberInRange('bandwidthMeters', h, 1, 100_000);
  const quantiles = options.quantiles ?? [0.5, 0.75, 0.9, 0.95, 0.99];
  for (const q of quantiles) requireNumberInRange('quantiles', q, 0, 1);

  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const cs =
    options.cellSizeMeters ?? Math.max(1, Math.round(Math.min(maxX - minX, maxY - minY) / 250));
  requireNumberInRange('cellSizeMeters', cs, 0.01, 100_000);

  // Grid covering the points plus the radius and one empty cell on every side, so every contour
  // closes inside it. Centres at odd multiples of cs/2.
  const firstCol = Math.floor((minX - h) / cs) - 1;
  const lastCol = Math.ceil((maxX + h) / cs) + 1;
  const firstRow = Math.floor((minY - h) / cs) - 1;
  const lastRow = Math.ceil((maxY + h) / cs) + 1;
  const cols = lastCol - firstCol + 1;
  const rows = lastRow - firstRow + 1;
  if (cols * rows > MAX_DENSITY_CELLS) {
    throw new AnalysisInputError(
      'TOO_LARGE',
      `A ${cs} m cell size over this extent needs ${cols * rows} cells (limit ${MAX_DENSITY_CELLS}); use a larger cell size.`,
      { cols, rows, cellSizeMeters: cs },
    );
  }
  const originX = (firstCol + 0.5) * cs;
  const originY = (firstRow + 0.5) * cs;
  const values = new Float64Array(cols * rows);
  const h2 = h * h;
  const norm = (3 / (Math.PI * h2)) * 1e6;
  for (const p of points) {
    const c0 = Math.max(0, Math.ceil((p.x - h - originX) / cs));
    const c1 = Math.min(cols - 1, Math.floor((p.x + h - originX) / cs));
    const r0 = Math.max(0, Math.ceil((p.y - h - originY) / cs));
    const r1 = Math.min(rows - 1, Math.floor((p.y + h - originY) / cs));
    for (let r = r0; r <= r1; r++) {
      const dy = originY + r * cs - p.y;
      const dy2 = dy * dy;
      if (dy2 >= h2) continue;
      const rowBase = r * cols;
      for (let c = c0; c <= c1; c++) {
        const dx = originX + c * cs - p.x;
        const d2 = dx * dx + dy2;
        if (d2 < h2) {
          const u = 1 - d2 / h2;
          values[rowBase + c]! += norm * u * u;
        }
      }
    }
  }
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const surface: DensitySurface = {
    originX,
    originY,
    cellSizeMeters: cs,
    cols,
    rows,
    values,
    max,
    unit: 'reports per km²',
  };
  const breaks = bandBreaks(values, quantiles, max);
  const bands =
    options.contours === false
      ? bngCollection<MultiPolygon, DensityBandProperties>([])
      : contourBands(surface, breaks);
  return {
    surface,
    bands,
    params: {
      bandwidthMeters: h,
      bandwidthSource: options.bandwidthMeters === undefined ? 'default' : 'given',
      cellSizeMeters: cs,
      quantiles,
      breaks: breaks.map((b) => b.value),
      points: points.length,
    },
  };
}

/** Density at an arbitrary location (reports per km²), for checks and tooltips. */
export function densityAt(
  points: readonly PointXY[],
  x: number,
  y: number,
  bandwidthMeters: number,
): number {
  const h2 = bandwidthMeters * bandwidthMeters;
  let sum = 0;
  for (const p of points) {
    const d2 = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d2 < h2) sum += (1 - d2 / h2) ** 2;
  }
  return (sum * 3 * 1e6) / (Math.PI * h2);
}

function bandBreaks(
  values: Float64Array,
  quantiles: readonly number[],
  max: number,
): { value: number; quantile: number }[] {
  const nonZero = values.filter((v) => v > 0).sort();
  if (nonZero.length === 0) return [];
  const out: { value: number; quantile: number }[] = [];
  for (const q of [...quantiles].sort((a, b) => a - b)) {
    const value = quantileSorted(nonZero, q);
    if (value > 0 && value < max && (out.length === 0 || value > out[out.length - 1]!.value)) {
      out.push({ value, quantile: q });
    }
  }
  // The top band is closed by the maximum (isobands bands are [lower, upper)).
  out.push({ value: max * (1 + 1e-9), quantile: 1 });
  return out;
}

const BAND_COLOURS = ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026', '#800026'];
// Isobands runs in a small, nearly planar "degree" space (turf sorts rings by geodesic area), and
// the rings are mapped back to metres afterwards.
const GRID_UNIT = 1e-3;

function contourBands(
  surface: DensitySurface,
  breaks: readonly { value: number; quantile: number }[],
): BngFeatureCollection<MultiPolygon, DensityBandProperties> {
  if (breaks.length < 2) return bngCollection<MultiPolygon, DensityBandProperties>([]);
  const { cols, rows, values, originX, originY, cellSizeMeters: cs } = surface;
  const grid: FeatureCollection<Point> = { type: 'FeatureCollection', features: [] };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      grid.features.push({
        type: 'Feature',
        properties: { z: values[r * cols + c]! },
        geometry: { type: 'Point', coordinates: [c * GRID_UNIT, r * GRID_UNIT] },
      });
    }
  }
  const raw = isobands(
    grid,
    breaks.map((b) => b.value),
    { zProperty: 'z' },
  );
  const toMeters = ([gx, gy]: number[]): [number, number] => [
    originX + (gx! / GRID_UNIT) * cs,
    originY + (gy! / GRID_UNIT) * cs,
  ];
  const features = raw.features
    .map((f, band) => ({
      type: 'Feature' as const,
      properties: {
        band,
        lower: breaks[band]!.value,
        upper: breaks[band + 1]!.value,
        quantile: breaks[band]!.quantile,
        fill: BAND_COLOURS[Math.min(band, BAND_COLOURS.length - 1)]!,
        'fill-opacity': 0.6,
      },
      geometry: {
        type: 'MultiPolygon' as const,
        coordinates: f.geometry.coordinates.map((polygon) =>
          polygon.map((ring) => ring.map(toMeters)),
        ),
      },
    }))
    .filter((f) => f.geometry.coordinates.length > 0);
  return bngCollection(features);
}

/** The surface value (reports per km²) of the cell containing (x, y); 0 outside the grid. */
export function surfaceValueAt(surface: DensitySurface, x: number, y: number): number {
  const c = Math.round((x - surface.originX) / surface.cellSizeMeters);
  const r = Math.round((y - surface.originY) / surface.cellSizeMeters);
  if (c < 0 || r < 0 || c >= surface.cols || r >= surface.rows) return 0;
  return surface.values[r * surface.cols + c]!;
}
