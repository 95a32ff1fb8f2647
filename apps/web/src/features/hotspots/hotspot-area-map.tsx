import { geoJSON } from 'leaflet';
import { useEffect } from 'react';
import { Pane, useMap } from 'react-leaflet';
import { useBoundaries, usePartnership } from '../../api/queries.ts';
import { BoundariesLayer } from '../../map/layers/boundaries-layer.tsx';
import { HotspotsLayer } from '../../map/layers/hotspots-layer.tsx';
import { BaseTileLayer } from '../../map/layers/tile-layer.tsx';
import { MapView } from '../../map/map-view.tsx';
import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import type { LayerResponse } from '../map/layer-api.ts';
import type { HotspotDetail } from './hotspots-api.ts';
import './hotspots.css';

const ignoreViewport = () => undefined;

/** Fits the map to the outline once it is drawn (MapView starts on the partnership). */
function FitToOutline({ outline }: { outline: NonNullable<HotspotDetail['area']> }) {
  const map = useMap();
  useEffect(() => {
    const bounds = geoJSON(outline).getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 16 });
  }, [map, outline]);
  return null;
}

/**
 * The hotspot's outline exactly as the API sent it to this user (generalised for everyone but
 * analysts), over the district boundaries; styled and named by status like the map's hotspot
 * layer. Nothing else is fetched for it, so it shows no more than the page's own data.
 */
export function HotspotAreaMap({ hotspot }: { hotspot: HotspotDetail }) {
  const partnership = usePartnership();
  const districts = useBoundaries('district');
  if (!hotspot.area) {
    return (
      <p data-testid="no-outline">
        The outline cannot be shown: after generalisation to protect the locations of reports, too
        little of it was left to draw.
      </p>
    );
  }
  if (partnership.isPending) return <LoadingNotice what="the map" />;
  if (partnership.isError) return <ErrorNotice error={partnership.error} what="the map" />;
  const layer: LayerResponse = {
    type: 'FeatureCollection',
    features: [
      {
        ...hotspot.area,
        properties: { hotspotId: hotspot.id, name: hotspot.name, status: hotspot.status },
      },
    ],
  };
  const { bbox, tiles } = partnership.data;
  return (
    <div className="hotspot-map" data-testid="hotspot-map">
      <MapView
        bbox={bbox}
        initialCenter={null}
        initialZoom={null}
        onViewportChange={ignoreViewport}
      >
        <Pane name="hotspots" style={{ zIndex: 420 }} />
        <BaseTileLayer url={tiles.url} attribution={tiles.attribution} />
        {districts.data && (
          <BoundariesLayer
            key={`district-${districts.dataUpdatedAt}`}
            kind="district"
            data={districts.data}
          />
        )}
        <HotspotsLayer
          key={`${hotspot.id}-${hotspot.updatedAt}`}
          data={layer}
          opacity={0.9}
          selectedId={hotspot.id}
        />
        <FitToOutline outline={hotspot.area} />
      </MapView>
    </div>
  );
}
