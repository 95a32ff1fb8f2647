import L from 'leaflet';
import { useEffect, useMemo } from 'react';
import { useMap } from 'react-leaflet';
import type { LayerResponse } from '../../features/map/layer-api.ts';
import { POINT_COLOUR } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export interface PointsLayerProps {
  readonly data: LayerResponse;
  readonly opacity: number;
}

/**
 * Record points (analysts only) on a canvas renderer: thousands of circles stay smooth. Groups
 * clustered by the server are larger circles with their count; single reports are dots.
 */
export function PointsLayer({ data, opacity }: PointsLayerProps) {
  const map = useMap();
  const renderer = useMemo(() => L.canvas({ padding: 0.2, pane: 'points' }), []);
  useEffect(() => {
    const group = L.layerGroup();
    for (const f of data.features) {
      if (f.geometry?.type !== 'Point') continue;
      const [lng, lat] = f.geometry.coordinates as [number, number];
      const n = Number(f.properties.pointCount ?? 1);
      const grouped = f.properties.cluster === true && n > 1;
      const marker = L.circleMarker([lat, lng], {
        renderer,
        radius: grouped ? Math.min(24, 6 + Math.sqrt(n) * 1.6) : 3.5,
        color: '#ffffff',
        weight: grouped ? 1.5 : 1,
        fillColor: POINT_COLOUR,
        fillOpacity: grouped ? 0.75 * opacity : opacity,
        opacity,
      });
      marker.bindTooltip(
        grouped
          ? `${n.toLocaleString('en-GB')} reports`
          : `${String(f.properties.reportedOn ?? '')} · ${String(f.properties.category ?? '')} · ${String(f.properties.placeType ?? '')}`,
        grouped ? { permanent: n >= 10, direction: 'center', className: 'cluster-label' } : {},
      );
      group.addLayer(marker);
    }
    group.addTo(map);
    markLayerDrawn('points', data.features.length);
    return () => {
      group.remove();
    };
  }, [data, map, opacity, renderer]);
  return null;
}
