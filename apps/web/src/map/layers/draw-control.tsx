import type {} from '@geoman-io/leaflet-geoman-free';
import type { Polygon } from 'geojson';
import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';

export interface DrawControlProps {
  /** True while the user is drawing a polygon. */
  readonly active: boolean;
  readonly onDrawn: (polygon: Polygon) => void;
  readonly onCancel: () => void;
}

/**
 * Hand-drawn hotspot outlines with leaflet-geoman: the "Draw a hotspot" button in the panel
 * starts polygon drawing (click the corners, click the first corner to finish; Escape cancels).
 * The drawn shape is handed over and removed from the map: the panel shows the selection.
 */
/** Geoman is large and only analysts and chairs draw: loaded on the first "Draw". */
function loadGeoman(): Promise<unknown> {
  return Promise.all([
    import('@geoman-io/leaflet-geoman-free'),
    import('@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css'),
  ]);
}

export function DrawControl({ active, onDrawn, onCancel }: DrawControlProps) {
  const map = useMap();
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    const onCreate = (e: { layer: L.Layer }) => {
      const layer = e.layer as L.Polygon;
      const geometry = layer.toGeoJSON().geometry as Polygon;
      layer.remove();
      onDrawn(geometry);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    document.addEventListener('keydown', onKey);
    void loadGeoman().then(() => {
      if (cancelled) return;
      // Geoman patches Leaflet when it loads; a map made before that gets its handle now.
      const geoman = Reflect.get(L, 'PM') as unknown as { Map: new (m: L.Map) => unknown };
      if (!map.pm) Reflect.set(map, 'pm', new geoman.Map(map));
      map.on('pm:create', onCreate);
      map.pm.enableDraw('Polygon', {
        snappable: false,
        allowSelfIntersection: false,
        templineStyle: { color: '#0b0c0c', weight: 3 },
        hintlineStyle: { color: '#0b0c0c', dashArray: '5 5' },
        pathOptions: { color: '#0b0c0c', weight: 3 },
      });
    });
    return () => {
      cancelled = true;
      document.removeEventListener('keydown', onKey);
      map.off('pm:create', onCreate);
      map.pm?.disableDraw();
    };
  }, [active, map, onDrawn, onCancel]);
  return null;
}
