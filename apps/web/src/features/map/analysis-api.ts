import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AnalysisParameters } from '../../url-state/map-view-state.ts';
import { fetchLayer, type RecordQuery, recordQueryParams } from './layer-api.ts';

/**
 * DBSCAN clusters from the analysis API (analysts and chairs): the response repeats the
 * parameters used and a one-sentence explanation. Keyed by every parameter, previous result kept
 * on the map while the next one is computed.
 */
export function useDbscanLayer(
  query: RecordQuery,
  parameters: AnalysisParameters,
  { enabled }: { readonly enabled: boolean },
) {
  const params = recordQueryParams(query);
  if (parameters.epsMeters !== undefined) params.set('epsMeters', String(parameters.epsMeters));
  if (parameters.minPoints !== undefined) params.set('minPoints', String(parameters.minPoints));
  const url = `/api/analysis/dbscan?${params.toString()}`;
  return useQuery({
    queryKey: ['layer', url],
    queryFn: ({ signal }) => fetchLayer(url, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** Emerging hot spots (space-time Gi* by month, Mann-Kendall trend per hexagon). */
export function useEmergingLayer(
  query: RecordQuery,
  parameters: AnalysisParameters,
  { enabled }: { readonly enabled: boolean },
) {
  const params = recordQueryParams(query);
  if (parameters.sizeMeters !== undefined) params.set('sizeMeters', String(parameters.sizeMeters));
  if (parameters.distanceMeters !== undefined) {
    params.set('distanceMeters', String(parameters.distanceMeters));
  }
  const url = `/api/analysis/emerging?${params.toString()}`;
  return useQuery({
    queryKey: ['layer', url],
    queryFn: ({ signal }) => fetchLayer(url, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
