import type { Layer, LeafletMouseEvent, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { densityPalette } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export interface DensityLayerProps {
  readonly data: LayerResponse;
  readonly opacity: number;
  readonly selectedBand: number | null;
  readonly onSelectBand?:
    | ((band: number, feature: LayerFeature, lngLat: [number, number]) => void)
    | undefined;
}

/** Kernel density contour bands in a sequential palette (band 0 = lowest). */
export function DensityLayer({ data, opacity, selectedBand, onSelectBand }: DensityLayerProps) {
  useEffect(() => markLayerDrawn('density', data.features.length), [data]);
  const palette = densityPalette(data.features.length);
  const style = (feature?: LayerFeature): PathOptions => {
    const band = Number(feature?.properties.band ?? 0);
    const isSelected = band === selectedBand;
    return {
      className: 'layer-density',
      color: isSelected ? '#0b0c0c' : '#7f2704',
      weight: isSelected ? 3 : 0.5,
      opacity: isSelected ? 1 : opacity,
      fillColor: palette[band] ?? palette[palette.length - 1] ?? '#bd0026',
      fillOpacity: opacity * 0.85,
    };
  };
  const onEachFeature = (feature: LayerFeature, layer: Layer) => {
    const { lower, upper } = feature.properties as { lower?: number; upper?: number };
    layer.bindTooltip(`Density ${lower ?? '?'}–${upper ?? '?'} reports per km²`, { sticky: true });
    if (onSelectBand) {
      layer.on('click', (e: LeafletMouseEvent) => {
        e.originalEvent.stopPropagation();
        onSelectBand(Number(feature.properties.band ?? 0), feature, [e.latlng.lng, e.latlng.lat]);
      });
    }
  };
  return <GeoJSON data={data} style={style} onEachFeature={onEachFeature} pane="density" />;
}
