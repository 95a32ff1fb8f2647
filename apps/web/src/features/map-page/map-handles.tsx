import L from 'leaflet';
import { useEffect, useState } from 'react';
import { useMap } from 'react-leaflet';
import type { LayerResponse } from '../map/layer-api.ts';

// Small components that live inside <MapView> and give the page what it needs from the map.

/** SVG patterns used by the layers and legend (one definition for the page). */
export function PatternDefs() {
  return (
    <svg width="0" height="0" className="pattern-defs" aria-hidden="true" focusable="false">
      <defs>
        <pattern
          id="suppressed-hatch"
          patternUnits="userSpaceOnUse"
          width="6"
          height="6"
          patternTransform="rotate(45)"
        >
          <rect width="6" height="6" fill="#e8e8e8" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#767676" strokeWidth="2.5" />
        </pattern>
      </defs>
    </svg>
  );
}

export interface MapBoundsState {
  readonly bbox: readonly [number, number, number, number];
  readonly zoom: number;
}

/** Reports the visible box and zoom (for the points layer, which is fetched per view). */
export function BoundsReporter({ onChange }: { readonly onChange: (b: MapBoundsState) => void }) {
  const map = useMap();
  useEffect(() => {
    const report = () => {
      const b = map.getBounds();
      onChange({
        bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
        zoom: map.getZoom(),
      });
    };
    report();
    map.on('moveend', report);
    return () => {
      map.off('moveend', report);
    };
  }, [map, onChange]);
  return null;
}

/**
 * Partners open the map from an email link to see where their actions are: with no view in
 * the link, the map is fitted once to their hotspots rather than to the whole area.
 */
export function FitToFeatures({ data }: { readonly data: LayerResponse | undefined }) {
  const map = useMap();
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (done || !data || data.features.length === 0) return;
    const bounds = L.geoJSON(data).getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [60, 60], maxZoom: 15 });
    setDone(true);
  }, [data, done, map]);
  return null;
}

/** Gives the page a way to read the current map (for "use the visible area"). */
export function MapHandle({ onReady }: { readonly onReady: (map: L.Map) => void }) {
  const map = useMap();
  useEffect(() => onReady(map), [map, onReady]);
  return null;
}
