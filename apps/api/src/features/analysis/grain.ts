import { monthOrdinal } from '@hotspot/analysis';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import type { RecordFilters } from './record-query.ts';

/**
 * Time slices emerging hot spot analysis needs: ArcGIS's Emerging Hot Spot Analysis requires
 * 10, since a Mann-Kendall trend over fewer means little.
 */
export const MIN_EMERGING_SLICES = 10;

export const SNAP_POINT_NOTE =
  'These reports come from batches whose locations are snapped to shared map points (as police.uk publishes them): a repeat location here is a snap point standing for the streets around it, not a premises.';

function invalid(pointer: string, detail: string): ProblemError {
  return new ProblemError(PROBLEM.validation, detail, { errors: [{ pointer, detail }] });
}

/** Slices of `slice` the period touches (whole or part). */
export function slicesInPeriod(
  filters: Pick<RecordFilters, 'from' | 'to'>,
  slice: 'week' | 'month',
) {
  if (slice === 'month') return monthOrdinal(filters.to) - monthOrdinal(filters.from) + 1;
  const days =
    (Date.parse(`${filters.to}T00:00:00Z`) - Date.parse(`${filters.from}T00:00:00Z`)) / 86_400_000;
  return Math.floor(days / 7) + 1;
}

/**
 * Refuses an emerging hot spot request the data cannot support, before any work: weekly slices
 * over month-dated reports (they would all land in each month's first week), and fewer than
 * MIN_EMERGING_SLICES slices.
 */
export function checkEmergingGrain(
  filters: Pick<RecordFilters, 'from' | 'to'>,
  slice: 'week' | 'month',
  monthDated: boolean,
): void {
  if (slice === 'week' && monthDated) {
    throw invalid(
      '/query/slice',
      'Some of the selected reports are dated only to the month (police.uk batches), so weekly slices would put each month’s reports in its first week. Use slice=month, or filter to day-dated batches with profile or batchId.',
    );
  }
  const n = slicesInPeriod(filters, slice);
  if (n < MIN_EMERGING_SLICES) {
    throw invalid(
      '/query/from',
      `Emerging hot spot analysis needs at least ${MIN_EMERGING_SLICES} time slices, as ArcGIS requires, before a Mann-Kendall trend means anything; ${filters.from} to ${filters.to} covers ${n} ${slice}${n === 1 ? '' : 's'}. Widen the period.`,
    );
  }
}
