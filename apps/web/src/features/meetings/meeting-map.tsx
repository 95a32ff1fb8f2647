import type { Bbox } from '@hotspot/contracts';
import type { Feature } from 'geojson';
import { geoJSON } from 'leaflet';
import { useEffect, useMemo } from 'react';
import { Pane, useMap } from 'react-leaflet';
import { useBoundaries } from '../../api/queries.ts';
import { countClassBounds } from '../../map/layer-styles.ts';
import { BoundariesLayer } from '../../map/layers/boundaries-layer.tsx';
import { EmergingLayer } from '../../map/layers/emerging-layer.tsx';
import { HexagonLayer } from '../../map/layers/hexagon-layer.tsx';
import { HotspotsLayer } from '../../map/layers/hotspots-layer.tsx';
import { BaseTileLayer } from '../../map/layers/tile-layer.tsx';
import { bboxToBounds, MapView } from '../../map/map-view.tsx';
import { addMonths } from '../../url-state/period.ts';
import { useHotspot } from '../hotspots/hotspots-api.ts';
import { useEmergingLayer } from '../map/analysis-api.ts';
import {
  type LayerResponse,
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
  /**
   * An emerging-pattern item: draw the new and intensifying hexagons (the analysis the agenda
   * ran, on the published table), for every presenter but a partner.
   */
  readonly showEmerging: boolean;
}

const ignoreViewport = () => undefined;

/** The emerging cells as one feature to fit the map to (undefined until they are loaded). */
function cellsArea(cells: LayerResponse | undefined): Feature | null | undefined {
  if (!cells) return undefined;
  if (cells.features.length === 0) return null;
  return {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'GeometryCollection',
      geometries: cells.features.flatMap((f) => (f.geometry ? [f.geometry] : [])),
    },
  };
}

/**
 * Fits the map to the item's hotspot with its surroundings, or to the partnership when the item
 * has none. The hotspot is fitted into the middle two thirds of the map (a sixth of each side
 * is padding); whole zoom steps then leave it between a third and two thirds of the map across
 * its longer side, so the room sees the streets around it, not a giant clipped outline.
 */
function FitTo({ area, bbox }: { area: Feature | null | undefined; bbox: Bbox | null }) {
  const map = useMap();
  useEffect(() => {
    const bounds = area ? geoJSON(area).getBounds() : null;
    const size = map.getSize();
    const padding: [number, number] = [size.x / 6, size.y / 6];
    if (bounds?.isValid()) map.fitBounds(bounds, { padding, maxZoom: 18 });
    else map.fitBounds(bboxToBounds(bbox), { padding: [24, 24] });
  }, [map, area, bbox]);
  return null;
}

/** Patterns the agenda's emerging item is about (as the API's agenda generation counts them). */
const EMERGING_ITEM_PATTERNS = new Set(['new_hot_spot', 'intensifying_hot_spot']);

/** The map for one agenda item: boundaries, hexagon counts and hotspots, fitted to the hotspot. */
export function MeetingMap({
  bbox,
  tiles,
  query,
  hotspotId,
  showHexagons,
  showEmerging,
}: MeetingMapProps) {
  const districts = useBoundaries('district');
  // Everyone in the room sees the screen: aggregates only, whoever is presenting.
  const meetingQuery = { ...query, audience: 'meeting' as const };
  const hexagons = useHexagonLayer(meetingQuery, 'count', {}, { enabled: showHexagons });
  const hotspots = useHotspotLayer(meetingQuery, { enabled: true });
  // The hotspot's outline as this user receives it (generalised for non-analysts).
  const area = useHotspot(hotspotId);
  // The agenda's analysis: the published table's 12 whole months to the meeting's month.
  const emerging = useEmergingLayer(
    { ...meetingQuery, period: { from: addMonths(query.period.to, -11), to: query.period.to } },
    {},
    { enabled: showEmerging },
  );
  const emergingCells = useMemo(
    () =>
      emerging.data && {
        ...emerging.data,
        features: emerging.data.features.filter((f) =>
          EMERGING_ITEM_PATTERNS.has(String(f.properties.pattern)),
        ),
      },
    [emerging.data],
  );
  const maxCount = Math.max(
    1,
    ...(hexagons.data?.features ?? []).map((f) => {
      const c = toShownCount(f.properties.count);
      return c && c.kind !== 'suppressed' ? c.n : 0;
    }),
  );
  return (
    <MapView
      bbox={bbox}
      initialCenter={null}
      initialZoom={null}
      onViewportChange={ignoreViewport}
      keyboard={false}
    >
      <Pane name="hexagons" style={{ zIndex: 410 }} />
      <Pane name="gistar" style={{ zIndex: 414 }} />
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
          labelled
        />
      )}
      {showEmerging && emergingCells && (
        <EmergingLayer
          key={`emerging-${emerging.dataUpdatedAt}`}
          data={emergingCells}
          opacity={0.85}
        />
      )}
      <FitTo
        area={hotspotId ? area.data?.area : showEmerging ? cellsArea(emergingCells) : null}
        bbox={bbox}
      />
    </MapView>
  );
}
