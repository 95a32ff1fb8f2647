/**
 * The map layers non-analysts see (and analysts with `audience=meeting`), computed from the
 * published table alone (DESIGN.md section 5, version 2): whole hexagons of a published lattice
 * with their published values, Gi* bins computed on those values, and density as a smoothing of
 * them served as lattice cells in bands. No record is read here.
 */
import {
  AnalysisInputError,
  EXPLANATIONS,
  hexCell,
  hexCentre,
  hexesCoveringArea,
  hotspotsOnCells,
} from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import type { MultiPolygon } from 'geojson';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  type AggregateLayer,
  daysOf,
  hexLattice,
  hexPolygon,
  type PerturbationTable,
  type PublishedRequest,
  publishedValue,
  trueCellMonths,
  trueCells,
} from '../disclosure/index.ts';
import type { PartnershipState } from '../partnership/index.ts';
import { studyAreaBng } from './layer-response.ts';

export interface PublishedCell {
  readonly cell: string;
  readonly i: number;
  readonly j: number;
  readonly value: number;
}

/** Published values of one lattice: only cells shown (value >= k), ordered by cell id. */
export function publishCells(
  cells: readonly { cell: string; n: number; keySum: string }[],
  table: PerturbationTable,
  k: number,
): PublishedCell[] {
  const out: PublishedCell[] = [];
  for (const c of cells) {
    const value = publishedValue(c.n, c.keySum, table, k);
    if (value === null) continue;
    const [i, j] = c.cell.split(':').map(Number) as [number, number];
    out.push({ cell: c.cell, i, j, value });
  }
  return out;
}

export async function publishedCells(
  db: Db,
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
): Promise<PublishedCell[]> {
  const cells = await trueCells(
    db,
    state.partnershipId,
    hexLattice(sizeMeters),
    request.months,
    request.filters,
  );
  return publishCells(cells, state.perturbation, state.k);
}

export interface PublishedCellMonth extends PublishedCell {
  /** First day of the month, `YYYY-MM-01`. */
  readonly month: string;
  /** The cell's centre, BNG metres. */
  readonly x: number;
  readonly y: number;
}

/**
 * Published values of one lattice per cell and month (only those of at least k): the monthly
 * series the published emerging hot spots and forecast read.
 */
export async function publishedCellMonths(
  db: Db,
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
): Promise<PublishedCellMonth[]> {
  const rows = await trueCellMonths(
    db,
    state.partnershipId,
    hexLattice(sizeMeters),
    request.months,
    request.filters,
  );
  const out: PublishedCellMonth[] = [];
  for (const row of rows) {
    const value = publishedValue(row.n, row.keySum, state.perturbation, state.k);
    if (value === null) continue;
    const [i, j] = row.cell.split(':').map(Number) as [number, number];
    out.push({ cell: row.cell, i, j, value, month: row.month, ...hexCentre(i, j, sizeMeters) });
  }
  return out;
}

function disclosureMeta(state: PartnershipState) {
  return {
    method: 'published table (cell key)',
    suppressionK: state.k,
    fewerThanK: 'not shown',
    perturbationBound: state.perturbation.bound,
    handlingCodeC: 'excluded',
  };
}

function requestMeta(request: PublishedRequest) {
  return { ...daysOf(request.months), ...request.filters };
}

export function publishedCountLayer(
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
  cells: readonly PublishedCell[],
): AggregateLayer {
  return {
    published: true,
    meta: {
      layer: 'hexagons',
      parameters: { sizeMeters, statistic: 'count', ...requestMeta(request) },
      explanation: EXPLANATIONS.hexCounts,
      disclosure: disclosureMeta(state),
    },
    features: cells.map((c) => ({
      geometry: hexPolygon(c.i, c.j, sizeMeters),
      publishedCounts: { count: c.value },
      labels: { cell: c.cell },
    })),
  };
}

/**
 * Gi* on published values: the shown cells with their values, and the study area's other cells
 * as zeros; neighbours are the six adjacent hexagons (a fixed band, not a free parameter).
 * Refusals carry no numbers: how many cells hold data is not for the message to say.
 */
export function publishedGistarLayer(
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
  cells: readonly PublishedCell[],
  fdr: boolean,
): AggregateLayer {
  const byId = new Map(cells.map((c) => [c.cell, c]));
  const area = studyAreaBng(state);
  const grid = area ? hexesCoveringArea(area, sizeMeters) : [];
  const all = [
    ...cells.map((c) => ({ ...hexCell(c.i, c.j, sizeMeters), count: c.value })),
    ...grid.filter((g) => !byId.has(g.id)).map((g) => ({ ...g, count: 0 })),
  ];
  const distanceMeters = adjacentBand(sizeMeters);
  let result: ReturnType<typeof hotspotsOnCells>;
  try {
    result = hotspotsOnCells(
      all,
      all.map((c) => c.count),
      { sizeMeters, fdr, distanceMeters, studyArea: Boolean(area), points: 0 },
    );
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      throw new ProblemError(
        PROBLEM.validation,
        'Too few published hexagons for a hot spot analysis: widen the period or the filters, or choose smaller hexagons.',
        { code: error.code },
      );
    }
    throw error;
  }
  return {
    published: true,
    meta: {
      layer: 'hexagons',
      parameters: { sizeMeters, statistic: 'gistar', fdr, distanceMeters, ...requestMeta(request) },
      explanation: EXPLANATIONS.gistar,
      disclosure: disclosureMeta(state),
    },
    features: result.cells
      .filter((c) => c.bin !== 0)
      .map((c) => ({
        geometry: hexPolygon(c.i, c.j, sizeMeters),
        labels: { cell: c.id, bin: c.bin },
      })),
  };
}

/** The band that makes the six adjacent hexagons (and no others) neighbours. */
export function adjacentBand(sizeMeters: number): number {
  return Math.round(Math.sqrt(3) * sizeMeters * 1.01);
}

const DENSITY_BANDS = 5;

/**
 * Density for non-analysts: each published cell's value spread over itself and its neighbours
 * within two rings (quartic weights), in reports per km², then grouped into five equal bands of
 * the maximum. Every shape is a whole lattice hexagon, so nothing is drawn around a record.
 */
export function publishedDensityLayer(
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
  cells: readonly PublishedCell[],
): AggregateLayer {
  const bandwidth = 2 * Math.sqrt(3) * sizeMeters * 1.01;
  const cellAreaKm2 = (1.5 * Math.sqrt(3) * sizeMeters * sizeMeters) / 1e6;
  const surface = new Map<string, { i: number; j: number; value: number }>();
  for (const c of cells) {
    const centre = hexCentre(c.i, c.j, sizeMeters);
    const spread: { i: number; j: number; w: number }[] = [];
    for (let di = -2; di <= 2; di++) {
      for (let dj = -3; dj <= 3; dj++) {
        const o = hexCentre(c.i + di, c.j + dj, sizeMeters);
        const u = Math.hypot(o.x - centre.x, o.y - centre.y) / bandwidth;
        if (u < 1) spread.push({ i: c.i + di, j: c.j + dj, w: (1 - u * u) ** 2 });
      }
    }
    const total = spread.reduce((s, x) => s + x.w, 0);
    for (const x of spread) {
      const id = `${x.i}:${x.j}`;
      const share = (c.value * x.w) / total / cellAreaKm2;
      const cell = surface.get(id) ?? { i: x.i, j: x.j, value: 0 };
      surface.set(id, { ...cell, value: cell.value + share });
    }
  }
  const max = Math.max(0, ...[...surface.values()].map((c) => c.value));
  const bands: { polygons: MultiPolygon['coordinates']; lower: number; upper: number }[] =
    Array.from({ length: DENSITY_BANDS }, (_, b) => ({
      polygons: [],
      lower: round3((max * b) / DENSITY_BANDS),
      upper: round3((max * (b + 1)) / DENSITY_BANDS),
    }));
  const ordered = [...surface.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, c] of ordered) {
    if (max === 0) break;
    const band = Math.min(DENSITY_BANDS - 1, Math.floor((c.value / max) * DENSITY_BANDS));
    bands[band]!.polygons.push(hexPolygon(c.i, c.j, sizeMeters).coordinates);
  }
  return {
    published: true,
    meta: {
      layer: 'density',
      parameters: { sizeMeters, ...requestMeta(request) },
      explanation: EXPLANATIONS.density,
      unit: 'reports per km²',
      disclosure: disclosureMeta(state),
    },
    // Band numbers count the bands drawn, lowest 0, as the record-level layer's do.
    features: bands
      .filter((b) => b.polygons.length > 0)
      .map((b, band) => ({
        geometry: { type: 'MultiPolygon' as const, coordinates: b.polygons },
        labels: { band, lower: b.lower, upper: b.upper },
      })),
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
