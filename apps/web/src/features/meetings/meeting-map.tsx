import { useQuery } from '@tanstack/react-query';
import type { Feature } from 'geojson';
import { geoJSON } from 'leaflet';
import { useEffect } from 'react';
import { Pane, useMap } from 'react-leaflet';
import { apiFetch } from '../../api/api-fetch.ts';
import { useBoundaries } from '../../api/queries.ts';
import type { Bbox } from '../../api/types.ts';
import { countClassBounds } from '../../map/layer-styles.ts';
import { BoundariesLayer } from '../../map/layers/boundaries-layer.tsx';
import { HexagonLayer } from '../../map/layers/hexagon-layer.tsx';
import { HotspotsLayer } from '../../map/layers/hotspots-layer.tsx';
import { BaseTileLayer } from '../../map/layers/tile-layer.tsx';
import { bboxToBounds, MapView } from '../../map/map-view.tsx';
import {
  type RecordQuery,
  toShownCount,
  useHexagonLayer,
  useHotspotLayer,
} from '../map/layer-api.ts';

export interface MeetingMapProps {
  readonly bbox: Bbox | null;
  readonly tiles: { readonly url: string; readonly attribution: string };
  /** The 12 months to the meeting date: what the agenda was prepared from. */
  readonly query: RecordQuery;
  readonly hotspotId: string | null;
  /** Hexagon counts are not a partner's layer; everyone who opens meeting mode may see them. */
  readonly showHexagons: boolean;
}

const ignoreViewport = () => undefined;

/** The hotspot's outline as this user receives it (generalised for non-analysts). */
function useHotspotArea(id: string | null) {
  return useQuery({
    queryKey: ['hotspot', id],
    queryFn: ({ signal }) => apiFetch<{ area: Feature | null }>(`/api/hotspots/${id}`, { signal }),
    enabled: id !== null,
  });
}

/** Fits the map to the item's hotspot, or to the partnership when the item has none. */
function FitTo({ area, bbox }: { area: Feature | null | undefined; bbox: Bbox | null }) {
  const map = useMap();
  useEffect(() => {
    const bounds = area ? geoJSON(area).getBounds() : null;
    if (bounds?.isValid()) map.fitBounds(bounds, { padding: [60, 60], maxZoom: 16 });
    else map.fitBounds(bboxToBounds(bbox), { padding: [24, 24] });
  }, [map, area, bbox]);
  return null;
}

/** The map for one agenda item: boundaries, hexagon counts and hotspots, fitted to the hotspot. */
export function MeetingMap({ bbox, tiles, query, hotspotId, showHexagons }: MeetingMapProps) {
  const districts = useBoundaries('district');
  // Everyone in the room sees the screen: aggregates only, whoever is presenting.
  const meetingQuery = { ...query, audience: 'meeting' as const };
  const hexagons = useHexagonLayer(meetingQuery, 'count', {}, { enabled: showHexagons });
  const hotspots = useHotspotLayer(meetingQuery, { enabled: true });
  const area = useHotspotArea(hotspotId);
  const maxCount = Math.max(
    1,
    ...(hexagons.data?.features ?? []).map((f) => {
      const c = toShownCount(f.properties.count);
      return c && c.kind !== 'suppressed' ? c.n : 0;
    }),
  );
  return (
    <MapView bbox={bbox} initialCenter={null} initialZoom={null} onViewportChange={ignoreViewport}>
      <Pane name="hexagons" style={{ zIndex: 410 }} />
      <Pane name="hotspots" style={{ zIndex: 420 }} />
      <BaseTileLayer url={tiles.url} attribution={tiles.attribution} />
      {districts.data && (
        <BoundariesLayer
          key={`district-${districts.dataUpdatedAt}`}
          kind="district"
          data={districts.data}
        />
      )}
      {showHexagons && hexagons.data && (
        <HexagonLayer
          key={`hex-${hexagons.dataUpdatedAt}`}
          data={hexagons.data}
          bounds={countClassBounds(maxCount)}
          opacity={0.55}
        />
      )}
      {hotspots.data && (
        <HotspotsLayer
          key={`hotspots-${hotspots.dataUpdatedAt}-${hotspotId}`}
          data={hotspots.data}
          opacity={0.9}
          selectedId={hotspotId}
        />
      )}
      <FitTo area={hotspotId ? area.data?.area : null} bbox={bbox} />
    </MapView>
  );
}
