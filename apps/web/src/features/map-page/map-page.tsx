import { useCallback } from 'react';
import { useBoundaries, usePartnership } from '../../api/queries.ts';
import { BoundariesLayer } from '../../map/layers/boundaries-layer.tsx';
import { BaseTileLayer } from '../../map/layers/tile-layer.tsx';
import { MapView, type MapViewport } from '../../map/map-view.tsx';
import { navigate, useLocation } from '../../routing/router.tsx';
import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import {
  type MapLayerId,
  parseMapViewState,
  toggleLayer,
  withMapViewState,
} from '../../url-state/map-view-state.ts';

const LAYER_LABELS: Readonly<Record<MapLayerId, string>> = {
  districts: 'District boundaries',
  wards: 'Ward boundaries (2013)',
};

export function MapPage() {
  const location = useLocation();
  const view = parseMapViewState(location.search);
  const partnership = usePartnership();
  const districts = useBoundaries('district', { enabled: view.layers.includes('districts') });
  const wards = useBoundaries('ward', { enabled: view.layers.includes('wards') });

  const onViewportChange = useCallback((viewport: MapViewport) => {
    const current = new URL(window.location.href);
    const state = parseMapViewState(current.search);
    const search = withMapViewState(current.search, { ...state, ...viewport });
    navigate(`${current.pathname}${search}`, { replace: true });
  }, []);

  const setLayer = (id: MapLayerId, on: boolean) => {
    navigate(
      `${location.pathname}${withMapViewState(location.search, toggleLayer(view, id, on))}`,
      {
        replace: true,
      },
    );
  };

  if (partnership.isPending) return <LoadingNotice what="the map" />;
  if (partnership.isError) return <ErrorNotice error={partnership.error} what="the map" />;
  const p = partnership.data;

  return (
    <div className="map-page">
      <h1 className="visually-hidden">Map of {p.name}</h1>
      <MapView
        bbox={p.bbox}
        initialCenter={view.center}
        initialZoom={view.zoom}
        onViewportChange={onViewportChange}
      >
        <BaseTileLayer url={p.tiles.url} attribution={p.tiles.attribution} />
        {view.layers.includes('wards') && wards.data && (
          <BoundariesLayer key={`ward-${wards.dataUpdatedAt}`} kind="ward" data={wards.data} />
        )}
        {view.layers.includes('districts') && districts.data && (
          <BoundariesLayer
            key={`district-${districts.dataUpdatedAt}`}
            kind="district"
            data={districts.data}
          />
        )}
      </MapView>
      <section className="map-panel" aria-labelledby="layers-heading">
        <h2 id="layers-heading">Layers</h2>
        <ul className="layer-list">
          {(Object.keys(LAYER_LABELS) as MapLayerId[]).map((id) => (
            <li key={id}>
              <label>
                <input
                  type="checkbox"
                  checked={view.layers.includes(id)}
                  onChange={(e) => setLayer(id, e.currentTarget.checked)}
                />
                {LAYER_LABELS[id]}
              </label>
            </li>
          ))}
        </ul>
        {(districts.isError || wards.isError) && (
          <p className="field-error" role="alert">
            Boundaries could not be loaded.
          </p>
        )}
      </section>
    </div>
  );
}
