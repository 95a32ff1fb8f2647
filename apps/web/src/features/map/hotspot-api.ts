import { ActionListSchema, HotspotDetailSchema, OpenObjectSchema } from '@hotspot/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Polygon } from 'geojson';
import { apiFetch } from '../../api/api-fetch.ts';
import { FILTER_KEYS, type MapFilters } from '../../url-state/map-view-state.ts';
import type { Period } from '../../url-state/period.ts';
import { type ShownCount, toShownCount, wholeMonths } from './layer-api.ts';

export interface BreakdownRow {
  readonly value: string;
  readonly count: ShownCount;
}

/** The hotspot panel's statistics, the same shape for every role (counts disclosed or not). */
export interface AreaSummary {
  readonly reports: ShownCount;
  readonly months: readonly BreakdownRow[];
  readonly categories: readonly BreakdownRow[];
  readonly placeTypes: readonly BreakdownRow[];
  readonly agencies: readonly BreakdownRow[];
}

function rows(value: unknown, key: 'value' | 'month'): BreakdownRow[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: Record<string, unknown>) => {
    const name = entry[key] ?? entry.value;
    const count = toShownCount(
      'suppressed' in entry ? entry : typeof entry.count === 'number' ? entry.count : undefined,
    );
    return typeof name === 'string' && count ? [{ value: name, count }] : [];
  });
}

/**
 * Analysts get exact counts (`count`, `countsByMonth[].month`); everyone else disclosed counts
 * (`reports`, `countsByMonth[].value`). Both become one shape here, at the edge.
 */
export function parseSummary(value: unknown): AreaSummary {
  const r = (value ?? {}) as Record<string, unknown>;
  const reports = toShownCount(r.reports ?? r.count);
  if (!reports) throw new Error('Unexpected response from the server (summary).');
  const analyst = typeof r.count === 'number';
  return {
    reports,
    months: rows(r.countsByMonth, analyst ? 'month' : 'value'),
    categories: rows(r.topCategories, 'value'),
    placeTypes: rows(r.topPlaceTypes, 'value'),
    agencies: rows(r.sourceAgencies, 'value'),
  };
}

export type SummaryTarget =
  | { readonly area: Polygon }
  | { readonly district: string }
  | {
      readonly cluster: {
        readonly epsMeters: number;
        readonly minPoints: number;
        readonly clusterId: number;
      };
    };

/** The body's period and filters; published answers (non-analysts) take whole months. */
function filterBody(period: Period, filters: MapFilters, published: boolean) {
  const shown = published ? wholeMonths(period) : period;
  const body: Record<string, unknown> = { from: shown.from, to: shown.to };
  for (const key of FILTER_KEYS) {
    if (published && (key === 'sourceAgency' || key === 'handlingCode')) continue;
    body[key] = [...filters[key]];
  }
  return body;
}

export function useAreaSummary(
  target: SummaryTarget | null,
  period: Period,
  filters: MapFilters,
  published = false,
) {
  return useQuery({
    queryKey: ['analysis-summary', target, period, filters, published],
    queryFn: async ({ signal }) =>
      parseSummary(
        await apiFetch('/api/analysis/summary', OpenObjectSchema, {
          method: 'POST',
          json: { ...filterBody(period, filters, published), ...target },
          signal,
        }),
      ),
    enabled: target !== null,
    placeholderData: keepPreviousData,
  });
}

export type NewHotspot =
  | {
      readonly source: 'dbscan';
      readonly name: string;
      readonly parameters: { readonly epsMeters: number; readonly minPoints: number };
      readonly period: Period;
      readonly filters: MapFilters;
      readonly clusterId: number;
    }
  | {
      readonly source: 'gistar';
      readonly name: string;
      readonly cellIds: readonly string[];
      readonly sizeMeters: number;
      readonly period: Period;
      readonly parameters?: Readonly<Record<string, number | string | boolean | null>>;
    }
  | {
      readonly source: 'drawn';
      readonly name: string;
      readonly area: Polygon;
      readonly period: Period;
    };

function invalidateMap(client: ReturnType<typeof useQueryClient>) {
  return Promise.all([
    client.invalidateQueries({ queryKey: ['layer'] }),
    client.invalidateQueries({ queryKey: ['hotspot'] }),
    client.invalidateQueries({ queryKey: ['actions'] }),
  ]);
}

export function useCreateHotspot() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (hotspot: NewHotspot) =>
      apiFetch('/api/hotspots', HotspotDetailSchema, { method: 'POST', json: hotspot }),
    onSuccess: () => invalidateMap(client),
  });
}

export interface HotspotChange {
  readonly name?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly risk?: string | null;
  readonly reviewOn?: string | null;
}

export function useUpdateHotspot(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: HotspotChange) =>
      apiFetch(`/api/hotspots/${id}`, HotspotDetailSchema, { method: 'PATCH', json: change }),
    onSuccess: () => invalidateMap(client),
  });
}

export type { ActionSummary } from '@hotspot/contracts';

/** The actions the user may see (partners: their agency's only; the API decides). */
export function useActions(enabled: boolean) {
  return useQuery({
    queryKey: ['actions', 'map'],
    queryFn: async ({ signal }) =>
      (await apiFetch('/api/actions', ActionListSchema, { signal })).actions,
    enabled,
    staleTime: 60_000,
  });
}
