/**
 * Emerging hot spots for non-analysts, from the published table alone (DESIGN.md section 5):
 * the monthly published values of a published lattice's cells (each cell and month a published
 * value, "fewer than k" counting as zero, as on the map), put through the same space-time Gi* and
 * Mann-Kendall as the analysts' analysis, with the six adjacent hexagons as the fixed band. Only
 * whole months, published sizes and taxonomy filters reach it, so every answer is a function of
 * one finite table; a record in a cell-month below k changes nothing.
 */
import {
  AnalysisInputError,
  type EmergingPattern,
  type EmergingPoint,
  EXPLANATIONS,
  emergingHotspots,
} from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  type AggregateLayer,
  daysOf,
  hexPolygon,
  monthsOf,
  type PublishedRequest,
  refused,
} from '../disclosure/index.ts';
import type { PartnershipState } from '../partnership/index.ts';
import { areaShape, emergingCost, refuseOverCeiling } from './cost.ts';
import { studyAreaBng } from './layer-response.ts';
import { adjacentBand, publishedCellMonths } from './published-layers.ts';

/** ArcGIS's advice for a meaningful trend, kept as a rule on the published map. */
export const MIN_PUBLISHED_MONTHS = 10;

export interface PublishedEmergingCell {
  readonly i: number;
  readonly j: number;
  readonly id: string;
  readonly pattern: EmergingPattern;
}

export interface PublishedEmerging {
  readonly cells: readonly PublishedEmergingCell[];
  readonly months: number;
  readonly distanceMeters: number;
  readonly summary: Readonly<Partial<Record<EmergingPattern, number>>>;
}

/**
 * The analysis itself. Throws a 422 without data-dependent numbers when the period is shorter
 * than ten months, over the cost ceiling (estimated from the area and the months only), or when
 * the published values are too few or too even for the test.
 */
export async function publishedEmerging(
  db: Db,
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
): Promise<PublishedEmerging> {
  const months = monthsOf(request.months).length;
  if (months < MIN_PUBLISHED_MONTHS) {
    throw refused('query', {
      from: `must be at least ${MIN_PUBLISHED_MONTHS} whole months before to: emerging hot spots need ${MIN_PUBLISHED_MONTHS} months or more for a trend`,
    });
  }
  const studyArea = studyAreaBng(state);
  const distanceMeters = adjacentBand(sizeMeters);
  const days = daysOf(request.months);
  refuseOverCeiling(
    emergingCost({
      area: areaShape(studyArea),
      sizeMeters,
      distanceMeters,
      // Without an area the estimate would count reports: count the period's months instead.
      points: months,
      from: days.from,
      to: days.to,
      slice: 'month',
    }),
  );
  const points: EmergingPoint[] = (await publishedCellMonths(db, state, sizeMeters, request)).map(
    (c) => ({ x: c.x, y: c.y, t: `${c.month}T00:00:00Z`, count: c.value }),
  );
  try {
    const result = emergingHotspots(points, {
      sizeMeters,
      slice: 'month',
      from: `${days.from}T00:00:00Z`,
      to: `${days.to}T23:59:59Z`,
      distanceMeters,
      ...(studyArea ? { studyArea } : {}),
    });
    return {
      cells: result.cells
        .filter((c) => c.pattern !== 'no_pattern')
        .map((c) => ({ i: c.i, j: c.j, id: c.id, pattern: c.pattern })),
      months,
      distanceMeters,
      summary: result.summary,
    };
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      throw new ProblemError(
        PROBLEM.validation,
        'Too few published hexagons for an emerging hot spot analysis: widen the period or the filters, or choose smaller hexagons.',
        { code: error.code },
      );
    }
    throw error;
  }
}

/** The analysis as a layer of whole lattice hexagons labelled with their pattern. */
export function publishedEmergingLayer(
  state: PartnershipState,
  sizeMeters: number,
  request: PublishedRequest,
  result: PublishedEmerging,
): AggregateLayer {
  return {
    published: true,
    meta: {
      parameters: {
        sizeMeters,
        distanceMeters: result.distanceMeters,
        slice: 'month',
        ...daysOf(request.months),
        ...request.filters,
      },
      explanation: EXPLANATIONS.emerging,
      slices: result.months,
      patterns: result.summary,
      disclosure: {
        method: 'published table (cell key)',
        suppressionK: state.k,
        fewerThanK: 'counted as zero',
        perturbationBound: state.perturbation.bound,
        handlingCodeC: 'excluded',
      },
    },
    features: result.cells.map((c) => ({
      geometry: hexPolygon(c.i, c.j, sizeMeters),
      labels: { cell: c.id, pattern: c.pattern },
    })),
  };
}
