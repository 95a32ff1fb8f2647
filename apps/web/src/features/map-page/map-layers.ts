import { useMemo } from 'react';
import { useBoundaries } from '../../api/queries.ts';
import { countClassBounds } from '../../map/layer-styles.ts';
import type { MapLayerId, MapViewState } from '../../url-state/map-view-state.ts';
import { useDbscanLayer, useEmergingLayer } from '../map/analysis-api.ts';
import { useActions } from '../map/hotspot-api.ts';
import {
  type RecordQuery,
  toShownCount,
  useDensityLayer,
  useHexagonLayer,
  useHotspotLayer,
  usePointLayer,
} from '../map/layer-api.ts';
import { actionMarkers } from './action-markers.ts';
import type { MapBoundsState } from './map-handles.tsx';

export interface MapLayersInput {
  readonly query: RecordQuery;
  readonly view: MapViewState;
  /** Layers this role may see at all. */
  readonly allowed: readonly MapLayerId[];
  /** Whether a layer is switched on. */
  readonly on: (id: MapLayerId) => boolean;
  /** The visible box, for the points layer (fetched per view); null before the map reports it. */
  readonly bounds: MapBoundsState | null;
}

/** Every layer's request for what the map shows, and what the page derives from them. */
export function useMapLayers({ query, view, allowed, on, bounds }: MapLayersInput) {
  const districts = useBoundaries('district', { enabled: on('districts') });
  const wards = useBoundaries('ward', { enabled: on('wards') });
  // The count hexagons also give the count of what is shown, so they load for every role
  // that may see them, even with the layer off (the same request, cached once).
  const hexagons = useHexagonLayer(query, 'count', view.parameters, {
    enabled: allowed.includes('hexagons'),
  });
  const gistar = useHexagonLayer(query, 'gistar', view.parameters, { enabled: on('gistar') });
  const density = useDensityLayer(query, view.parameters, { enabled: on('density') });
  const clusters = useDbscanLayer(query, view.parameters, { enabled: on('clusters') });
  const emerging = useEmergingLayer(query, view.parameters, { enabled: on('emerging') });
  const hotspots = useHotspotLayer(query, { enabled: on('hotspots') || on('actions') });
  const points = usePointLayer(query, bounds, { enabled: on('points') });
  const actions = useActions(on('actions'));

  const hexBounds = useMemo(() => {
    const counts = (hexagons.data?.features ?? []).flatMap((f) => {
      const c = toShownCount(f.properties.count);
      return c && c.kind !== 'suppressed' ? [c.n] : [];
    });
    const max = counts.reduce((m, n) => Math.max(m, n), 1);
    const min = counts.length > 0 ? counts.reduce((m, n) => Math.min(m, n), max) : 1;
    return countClassBounds(max, min);
  }, [hexagons.data]);

  const markers = useMemo(
    () => actionMarkers(hotspots.data, actions.data),
    [hotspots.data, actions.data],
  );

  const loading = [hexagons, gistar, density, clusters, emerging, hotspots, points].some(
    (q) => q.isFetching,
  );
  const errors = (
    [
      ['Reports per hexagon', hexagons, on('hexagons')],
      ['Gi* hot spots', gistar, on('gistar')],
      ['Density', density, on('density')],
      ['Clusters', clusters, on('clusters')],
      ['Emerging hot spots', emerging, on('emerging')],
      ['Hotspots', hotspots, on('hotspots')],
      ['Report points', points, on('points')],
    ] as const
  ).filter(([, q, visible]) => visible && q.isError);

  return {
    districts,
    wards,
    hexagons,
    gistar,
    density,
    clusters,
    emerging,
    hotspots,
    points,
    actions,
    /** Count class lower bounds: the hexagon layer and the legend use the same ones. */
    hexBounds,
    markers,
    loading,
    /** Layers switched on whose request failed, with their names. */
    errors,
  };
}

export type MapLayers = ReturnType<typeof useMapLayers>;
