import type { Layer, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { EMERGING_STYLES, isEmergingPattern } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export interface EmergingLayerProps {
  readonly data: LayerResponse;
  readonly opacity: number;
}

/** Emerging hot spot patterns per hexagon; cells with no pattern are left undrawn. */
export function EmergingLayer({ data, opacity }: EmergingLayerProps) {
  const patterned = {
    ...data,
    features: data.features.filter((f) => isEmergingPattern(f.properties.pattern)),
  };
  useEffect(
    () => markLayerDrawn('emerging', patterned.features.length),
    [patterned.features.length],
  );
  const style = (feature?: LayerFeature): PathOptions => {
    const pattern = feature?.properties.pattern;
    const s = isEmergingPattern(pattern) ? EMERGING_STYLES[pattern] : null;
    return {
      className: 'layer-emerging',
      color: '#303a40',
      weight: 0.8,
      dashArray: s?.dash ?? undefined,
      opacity: Math.min(1, opacity + 0.2),
      fillColor: s?.fill ?? '#ffffff',
      fillOpacity: opacity,
    } as PathOptions;
  };
  const onEachFeature = (feature: LayerFeature, layer: Layer) => {
    const pattern = feature.properties.pattern;
    layer.bindTooltip(isEmergingPattern(pattern) ? EMERGING_STYLES[pattern].label : '', {
      sticky: true,
    });
  };
  return <GeoJSON data={patterned} style={style} onEachFeature={onEachFeature} pane="gistar" />;
}
