/**
 * Next month's forecast for chairs and viewers (issue 17 item 3), from the published table
 * alone: the monthly published values of a published lattice's hexagons over whole months are
 * the "reports", each cell's value entering as that many at the cell, and the forecast's own
 * scoring (`scoreCells`, `backtest`, `rankCells`) ranks the hexagons. Only the methods that
 * score a cell from its own counts (naive, recency) are offered: the others weigh each report
 * by its distance from a square's centre, which a published cell value does not carry.
 */
import {
  backtest,
  bestMethod,
  DEFAULT_FORECAST_PARAMS,
  FORECAST_EXPLANATION,
  FORECAST_METHOD_EXPLANATIONS,
  type ForecastMethod,
  hexesCoveringArea,
  monthOfOrdinal,
  monthOrdinal,
  type PreparedRecords,
  rankCells,
  type SquareLattice,
  scoreCells,
} from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import type { PublishedRequest } from '../disclosure/index.ts';
import { hexPolygon, toWgs84 } from '../disclosure/index.ts';
import type { PartnershipState } from '../partnership/index.ts';
import { studyAreaBng } from './layer-response.ts';
import { publishedCellMonths } from './published-layers.ts';

/** Methods that score a cell from its own monthly counts. */
export const PUBLISHED_FORECAST_METHODS = ['naive', 'recency'] as const;

/** Shares of the area a published forecast may flag: a fixed set, as the surface is finite. */
export const PUBLISHED_COVERAGES = [0.01, 0.05, 0.1, 0.2] as const;

export interface PublishedForecastInput {
  readonly sizeMeters: number;
  readonly request: PublishedRequest;
  readonly coverage: number;
  /** Asked for, or the partnership's setting when it is one of the published methods. */
  readonly method: ForecastMethod | undefined;
}

/**
 * The hexagons of the study area as a lattice the forecast's scoring reads: positions in the
 * order of `hexesCoveringArea`, `is`/`js` the hexagon's indices. Only `is.length` and record
 * slots are read by the count-based methods, so the square geometry fields are placeholders.
 */
function hexagonLattice(state: PartnershipState, sizeMeters: number) {
  const area = studyAreaBng(state);
  if (!area) {
    throw new ProblemError(
      PROBLEM.validation,
      'The partnership has no area set, so the share of the area a forecast covers cannot be measured.',
    );
  }
  const cells = hexesCoveringArea(area, sizeMeters);
  const lattice: SquareLattice = {
    sizeMeters,
    i0: 0,
    j0: 0,
    cols: cells.length,
    rows: 1,
    is: Int32Array.from(cells, (c) => c.i),
    js: Int32Array.from(cells, (c) => c.j),
    slot: Int32Array.from(cells, (_, k) => k),
  };
  return { lattice, position: new Map(cells.map((c, k) => [c.id, k])) };
}

/** Published values per cell and month as the scoring's prepared records (one per report). */
async function publishedRecords(
  db: Db,
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
  position: ReadonlyMap<string, number>,
): Promise<PreparedRecords> {
  const xs: number[] = [];
  const ys: number[] = [];
  const months: number[] = [];
  const slots: number[] = [];
  for (const c of await publishedCellMonths(db, state, sizeMeters, request)) {
    const month = monthOrdinal(c.month);
    const slot = position.get(c.cell) ?? -1;
    for (let k = 0; k < c.value; k++) {
      xs.push(c.x);
      ys.push(c.y);
      months.push(month);
      slots.push(slot);
    }
  }
  return {
    xs: Float64Array.from(xs),
    ys: Float64Array.from(ys),
    months: Int32Array.from(months),
    slots: Int32Array.from(slots),
  };
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The forecast as GeoJSON text (WGS84 hexagons with rank and score). */
export async function publishedForecast(
  db: Db,
  state: PartnershipState,
  input: PublishedForecastInput,
): Promise<string> {
  const { sizeMeters, request, coverage } = input;
  const { lattice, position } = hexagonLattice(state, sizeMeters);
  const records = await publishedRecords(db, state, sizeMeters, request, position);
  const first = monthOrdinal(request.months.from);
  const last = monthOrdinal(request.months.to);
  let method = input.method;
  let chosenBy = 'request or partnership setting';
  if (!method) {
    chosenBy = 'backtest of the training months on published values (ties go to naive)';
    method =
      last > first
        ? bestMethod(
            backtest(lattice, records, {
              from: monthOfOrdinal(first),
              to: monthOfOrdinal(last),
              coverages: [coverage],
              methods: PUBLISHED_FORECAST_METHODS,
            }),
          )
        : 'naive';
  }
  const scores = scoreCells(lattice, records, { method, targetMonth: last + 1, firstMonth: first });
  const flagged = rankCells(scores, coverage);
  const cells = lattice.is.length;
  return JSON.stringify({
    type: 'FeatureCollection',
    method,
    methodChosenBy: chosenBy,
    explanation: FORECAST_EXPLANATION,
    methodExplanation: FORECAST_METHOD_EXPLANATIONS[method],
    parameters: {
      ...request.filters,
      from: monthOfOrdinal(first),
      to: monthOfOrdinal(last),
      forecastMonth: monthOfOrdinal(last + 1),
      coverage,
      sizeMeters,
      lattice: 'published hexagons',
      method,
      halfLifeMonths: DEFAULT_FORECAST_PARAMS.halfLifeMonths,
    },
    areaFraction: cells === 0 ? 0 : flagged.length / cells,
    cellsFlagged: flagged.length,
    cellsInArea: cells,
    disclosure: {
      method: 'published table (cell key)',
      suppressionK: state.k,
      fewerThanK: 'counted as zero',
      perturbationBound: state.perturbation.bound,
      handlingCodeC: 'excluded',
    },
    features: flagged.map((p, k) => {
      const cell = `${lattice.is[p]}:${lattice.js[p]}`;
      return {
        type: 'Feature',
        id: cell,
        properties: { rank: k + 1, score: round(scores[p]!), cell },
        geometry: toWgs84(hexPolygon(lattice.is[p]!, lattice.js[p]!, sizeMeters)),
      };
    }),
  });
}
