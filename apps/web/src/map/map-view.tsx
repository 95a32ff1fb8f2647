import type { Bbox } from '@hotspot/contracts';
import type { LatLngBoundsExpression, Map as LeafletMap } from 'leaflet';
import { type ReactNode, useEffect } from 'react';
import { MapContainer, Pane, useMap } from 'react-leaflet';
import type { LatLng } from '../url-state/map-view-state.ts';
import './leaflet-setup.ts';

export interface MapViewport {
  readonly center: LatLng;
  readonly zoom: number;
}

export interface MapViewProps {
  /** Fitted when no centre/zoom is given. */
  readonly bbox: Bbox | null;
  readonly initialCenter: LatLng | null;
  readonly initialZoom: number | null;
  /** After every pan or zoom ends (for the URL). */
  readonly onViewportChange: (viewport: MapViewport) => void;
  /** Extra room kept clear on the right when fitting the area (e.g. for the key). */
  readonly fitPaddingRight?: number;
  /**
   * Arrow keys pan and +/- zoom the focused map (default). Off for meeting mode: the map then
   * takes no focus, and the keys stay with the agenda.
   */
  readonly keyboard?: boolean;
  readonly children?: ReactNode;
}

// Great Britain, for a partnership without an area yet.
const FALLBACK_BOUNDS: LatLngBoundsExpression = [
  [49.9, -7.6],
  [58.7, 1.8],
];

export function bboxToBounds(bbox: Bbox | null): LatLngBoundsExpression {
  if (!bbox) return FALLBACK_BOUNDS;
  const [west, south, east, north] = bbox;
  return [
    [south, west],
    [north, east],
  ];
}

function ViewportReporter({ onChange }: { onChange: (viewport: MapViewport) => void }) {
  const map = useMap();
  useEffect(() => {
    const report = (target: LeafletMap) => {
      const c = target.getCenter();
      onChange({ center: { lat: c.lat, lng: c.lng }, zoom: target.getZoom() });
    };
    const handler = () => report(map);
    map.on('moveend', handler);
    return () => {
      map.off('moveend', handler);
    };
  }, [map, onChange]);
  return null;
}

/** Leaflet makes the map focusable for its keyboard controls; give it a role and a name. */
function MapAccessibleName({ name }: { name: string }) {
  const map = useMap();
  useEffect(() => {
    const container = map.getContainer();
    container.setAttribute('role', 'region');
    container.setAttribute('aria-label', name);
  }, [map, name]);
  return null;
}

/**
 * The full-size Leaflet map. Panes fix the drawing order once: wards under districts under
 * everything added later (analysis layers use the default overlay pane above them).
 */
export function MapView({
  bbox,
  initialCenter,
  initialZoom,
  onViewportChange,
  fitPaddingRight = 24,
  keyboard = true,
  children,
}: MapViewProps) {
  const placement =
    initialCenter && initialZoom !== null
      ? { center: [initialCenter.lat, initialCenter.lng] as [number, number], zoom: initialZoom }
      : {
          bounds: bboxToBounds(bbox),
          boundsOptions: {
            paddingTopLeft: [24, 24] as [number, number],
            paddingBottomRight: [fitPaddingRight, 24] as [number, number],
          },
        };
  return (
    <MapContainer
      className="map"
      {...placement}
      minZoom={3}
      maxZoom={19}
      zoomSnap={1}
      keyboard={keyboard}
      attributionControl
    >
      <MapAccessibleName
        name={
          keyboard
            ? 'Map of the partnership area. Use the arrow keys to pan and plus or minus to zoom.'
            : 'Map of the partnership area.'
        }
      />
      <Pane name="wards" style={{ zIndex: 380 }} />
      <Pane name="districts" style={{ zIndex: 390 }} />
      <ViewportReporter onChange={onViewportChange} />
      {children}
    </MapContainer>
  );
}
