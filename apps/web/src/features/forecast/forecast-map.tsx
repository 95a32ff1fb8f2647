import type { ForecastCell } from '@hotspot/contracts';
import type { LatLngBoundsExpression } from 'leaflet';
import { MapContainer, Polygon, Tooltip } from 'react-leaflet';
import { AccessibleName } from '../upload/points-map.tsx';
import '../../map/leaflet-setup.ts';

/** Darker for the higher-ranked squares: the top tenth, the next fifth, the rest. */
function colourFor(rank: number, count: number): string {
  if (rank <= Math.max(1, count * 0.1)) return '#7f0000';
  if (rank <= Math.max(1, count * 0.3)) return '#d7301f';
  return '#fc8d59';
}

/**
 * The forecast's squares on a small map without tiles (record-derived output for analysts; it
 * must work offline), each with its rank and score on hover or focus.
 */
export function ForecastMap({ cells }: { cells: readonly ForecastCell[] }) {
  const corners = cells.flatMap((c) => c.geometry.coordinates[0] ?? []);
  if (corners.length === 0) return <p className="hint">No square has a score for next month.</p>;
  const lats = corners.map((p) => p[1]!);
  const lngs = corners.map((p) => p[0]!);
  const bounds: LatLngBoundsExpression = [
    [Math.min(...lats) - 0.002, Math.min(...lngs) - 0.002],
    [Math.max(...lats) + 0.002, Math.max(...lngs) + 0.002],
  ];
  return (
    <MapContainer className="forecast-map" bounds={bounds} scrollWheelZoom={false}>
      <AccessibleName name="Forecast squares for next month, ranked" />
      {cells.map((c) => (
        <Polygon
          key={c.properties.cell}
          positions={(c.geometry.coordinates[0] ?? []).map(([lng, lat]) => [lat!, lng!])}
          pathOptions={{
            color: colourFor(c.properties.rank, cells.length),
            fillOpacity: 0.7,
            weight: 1,
          }}
        >
          <Tooltip>
            Rank {c.properties.rank}, score {c.properties.score}
          </Tooltip>
        </Polygon>
      ))}
    </MapContainer>
  );
}
