import type { Bbox } from '@hotspot/contracts';
import type { LatLngBoundsExpression, LeafletMouseEvent } from 'leaflet';
import { useEffect } from 'react';
import { CircleMarker, GeoJSON, MapContainer, Tooltip, useMap, useMapEvents } from 'react-leaflet';
import { useBoundaries } from '../../api/queries.ts';
import { bboxToBounds } from '../../map/map-view.tsx';
import '../../map/leaflet-setup.ts';

export interface MapPoint {
  readonly key: string;
  readonly lng: number;
  readonly lat: number;
  readonly label: string;
}

function boundsOf(points: readonly MapPoint[], fallback: Bbox | null): LatLngBoundsExpression {
  if (points.length === 0) return bboxToBounds(fallback);
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  return [
    [Math.min(...lats) - 0.002, Math.min(...lngs) - 0.002],
    [Math.max(...lats) + 0.002, Math.max(...lngs) + 0.002],
  ];
}

function FitTo({ bounds }: { bounds: LatLngBoundsExpression }) {
  const map = useMap();
  useEffect(() => {
    map.fitBounds(bounds, { padding: [16, 16] });
  }, [map, bounds]);
  return null;
}

function ClickToPick({ onPick }: { onPick: (lng: number, lat: number) => void }) {
  useMapEvents({
    click: (event: LeafletMouseEvent) => onPick(event.latlng.lng, event.latlng.lat),
  });
  return null;
}

/** Names the map container as a region for screen readers. */
export function AccessibleName({ name }: { name: string }) {
  const map = useMap();
  useEffect(() => {
    map.getContainer().setAttribute('role', 'region');
    map.getContainer().setAttribute('aria-label', name);
  }, [map, name]);
  return null;
}

/** The partnership's boundary, so a point can be seen to be inside the area or not. */
function PartnershipOutline() {
  const area = useBoundaries('partnership');
  if (!area.data) return null;
  return (
    <GeoJSON
      key={area.dataUpdatedAt}
      data={area.data}
      style={() => ({
        className: 'partnership-outline',
        color: '#1d3557',
        weight: 2.5,
        fill: false,
      })}
      interactive={false}
    />
  );
}

/**
 * A small map of points without tiles (the preview must work offline and shows record-level
 * locations only to the analyst), over the partnership's boundary. With `onPick`, a click picks
 * a location.
 */
export function PointsMap({
  name,
  points,
  fallbackBbox,
  onPick,
  fitToPoints = true,
}: {
  name: string;
  points: readonly MapPoint[];
  fallbackBbox: Bbox | null;
  onPick?: (lng: number, lat: number) => void;
  fitToPoints?: boolean;
}) {
  const bounds = fitToPoints ? boundsOf(points, fallbackBbox) : bboxToBounds(fallbackBbox);
  return (
    <MapContainer className="points-map" bounds={bounds} scrollWheelZoom={false}>
      <AccessibleName name={name} />
      <PartnershipOutline />
      {fitToPoints && <FitTo bounds={bounds} />}
      {onPick && <ClickToPick onPick={onPick} />}
      {points.map((p) => (
        <CircleMarker
          key={p.key}
          center={[p.lat, p.lng]}
          radius={6}
          pathOptions={{ color: '#1d4f91', fillColor: '#2f7bd8', fillOpacity: 0.8, weight: 1 }}
        >
          <Tooltip>{p.label}</Tooltip>
        </CircleMarker>
      ))}
    </MapContainer>
  );
}
