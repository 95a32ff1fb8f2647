import { type Layer, LayerSchema } from '@hotspot/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Feature, Geometry } from 'geojson';
import { apiFetch } from '../../api/api-fetch.ts';
import {
  type AnalysisParameters,
  FILTER_KEYS,
  type MapFilters,
} from '../../url-state/map-view-state.ts';
import type { Period } from '../../url-state/period.ts';

/** A count as the API sends it: exact for analysts; rounded or suppressed for everyone else. */
export type WireCount = number | { count: number } | { suppressed: true; fewerThan: number };

export type ShownCount =
  | { readonly kind: 'exact'; readonly n: number }
  | { readonly kind: 'rounded'; readonly n: number }
  | { readonly kind: 'suppressed'; readonly fewerThan: number };

export function toShownCount(value: unknown): ShownCount | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'exact', n: value };
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (v.suppressed === true && typeof v.fewerThan === 'number') {
      return { kind: 'suppressed', fewerThan: v.fewerThan };
    }
    if (typeof v.count === 'number') return { kind: 'rounded', n: v.count };
  }
  return undefined;
}

/** "1,234", "about 1,235" or "fewer than 3". */
export function formatShownCount(count: ShownCount): string {
  switch (count.kind) {
    case 'exact':
      return count.n.toLocaleString('en-GB');
    case 'rounded':
      return `about ${count.n.toLocaleString('en-GB')}`;
    case 'suppressed':
      return `fewer than ${count.fewerThan}`;
  }
}

export type LayerFeature = Feature<Geometry | null, Record<string, unknown>>;

/** A map layer as served (LayerSchema of @hotspot/contracts), its features' geometry typed. */
export interface LayerResponse {
  readonly type: 'FeatureCollection';
  readonly features: LayerFeature[];
  readonly parameters?: Layer['parameters'];
  readonly explanation?: Layer['explanation'];
  readonly disclosure?: Layer['disclosure'];
  readonly [key: string]: unknown;
}

type ParsedFeature = Layer['features'][number];

/**
 * The schema leaves a feature's geometry open (parsing every coordinate of a large layer would
 * cost more than drawing it); a feature is taken as GeoJSON when its geometry is null or names
 * its type and its properties are an object.
 */
function isLayerFeature(feature: ParsedFeature): feature is ParsedFeature & LayerFeature {
  const g = feature.geometry;
  return (
    feature.properties !== null &&
    (g === null || (typeof g === 'object' && 'type' in g && typeof g.type === 'string'))
  );
}

/** One layer request, parsed with the layer schema shared by every layer and analysis route. */
export async function fetchLayer(url: string, signal: AbortSignal): Promise<LayerResponse> {
  const layer = await apiFetch(url, LayerSchema, { signal });
  const { features } = layer;
  if (!features.every(isLayerFeature)) {
    throw new Error('Unexpected response from the server (layer).');
  }
  return { ...layer, features };
}

export interface RecordQuery {
  readonly period: Period;
  readonly filters: MapFilters;
  /** 'meeting': the API renders layers as the meeting screen (a viewer) sees them. */
  readonly audience?: 'meeting';
  /**
   * Answered from the published table (every role but analyst, and the meeting screen): the
   * period widens to whole months and only taxonomy filters are sent, as the API requires.
   */
  readonly published?: boolean;
}

/** The whole calendar months that hold a period (published answers count whole months). */
export function wholeMonths(period: Period): Period {
  const [y, m] = period.to.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from: `${period.from.slice(0, 7)}-01`, to: last };
}

const UNPUBLISHED_FILTERS = new Set<string>(['sourceAgency', 'handlingCode']);

/** The period and filters as the API's query parameters (comma lists). */
export function recordQueryParams(query: RecordQuery): URLSearchParams {
  const published = query.published || query.audience === 'meeting';
  const period = published ? wholeMonths(query.period) : query.period;
  const params = new URLSearchParams({ from: period.from, to: period.to });
  if (query.audience) params.set('audience', query.audience);
  for (const key of FILTER_KEYS) {
    if (published && UNPUBLISHED_FILTERS.has(key)) continue;
    if (query.filters[key].length > 0) params.set(key, query.filters[key].join(','));
  }
  return params;
}

function layerUrl(path: string, query: RecordQuery, extra: Record<string, string | number>) {
  const params = recordQueryParams(query);
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  return `${path}?${params.toString()}`;
}

interface LayerHookOptions {
  readonly enabled: boolean;
}

/**
 * One layer request: keyed by everything that changes it, previous data kept on screen while
 * the next is fetched (results update in place), never retried on a 4xx.
 */
function useLayer(url: string, { enabled }: LayerHookOptions) {
  return useQuery({
    queryKey: ['layer', url],
    queryFn: ({ signal }) => fetchLayer(url, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useHexagonLayer(
  query: RecordQuery,
  statistic: 'count' | 'gistar',
  parameters: AnalysisParameters,
  options: LayerHookOptions,
) {
  const extra: Record<string, number | string> = { statistic };
  if (parameters.sizeMeters !== undefined) extra.sizeMeters = parameters.sizeMeters;
  if (statistic === 'gistar' && parameters.distanceMeters !== undefined && !query.published) {
    extra.distanceMeters = parameters.distanceMeters;
  }
  return useLayer(layerUrl('/api/layers/hexagons', query, extra), options);
}

export function useDensityLayer(
  query: RecordQuery,
  parameters: AnalysisParameters,
  options: LayerHookOptions,
) {
  const extra: Record<string, number> = {};
  if (parameters.bandwidthMeters !== undefined && !query.published) {
    extra.bandwidthMeters = parameters.bandwidthMeters;
  }
  return useLayer(layerUrl('/api/layers/density', query, extra), options);
}

export function useHotspotLayer(query: RecordQuery, options: LayerHookOptions) {
  return useLayer(layerUrl('/api/layers/hotspots', query, {}), options);
}

/** Points in the box at the zoom; the box is rounded so small pans reuse the answer. */
export function usePointLayer(
  query: RecordQuery,
  view: { readonly bbox: readonly [number, number, number, number]; readonly zoom: number } | null,
  options: LayerHookOptions,
) {
  const extra: Record<string, string | number> = {};
  if (view) {
    const [w, s, e, n] = view.bbox;
    const r = (v: number, f: (x: number) => number) => f(v * 100) / 100;
    extra.bbox = [
      Math.max(-180, r(w, Math.floor)),
      Math.max(-90, r(s, Math.floor)),
      Math.min(180, r(e, Math.ceil)),
      Math.min(90, r(n, Math.ceil)),
    ].join(',');
    extra.zoom = view.zoom;
  }
  return useLayer(layerUrl('/api/layers/points', query, extra), {
    enabled: options.enabled && view !== null,
  });
}
