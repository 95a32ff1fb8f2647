import type { Layer, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { formatShownCount, toShownCount } from '../../features/map/layer-api.ts';
import { countClass, countColour, SUPPRESSED_COLOUR, SUPPRESSED_FILL } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export interface HexagonLayerProps {
  readonly data: LayerResponse;
  /** Count class lower bounds, from the same function the legend uses. */
  readonly bounds: readonly number[];
  /** 0..1 */
  readonly opacity: number;
}

/** Hexagon counts; cells below the disclosure threshold are grey and hatched, never a number. */
export function HexagonLayer({ data, bounds, opacity }: HexagonLayerProps) {
  useEffect(() => markLayerDrawn('hexagons', data.features.length), [data]);
  const style = (feature?: LayerFeature): PathOptions => {
    const count = toShownCount(feature?.properties.count);
    if (!count || count.kind === 'suppressed') {
      return {
        className: 'layer-hexagon layer-hexagon--suppressed',
        color: SUPPRESSED_COLOUR,
        weight: 0.6,
        opacity: Math.min(1, opacity + 0.2),
        fillColor: SUPPRESSED_FILL,
        fillOpacity: opacity,
      };
    }
    return {
      className: 'layer-hexagon',
      color: '#505a5f',
      weight: 0.6,
      opacity: Math.min(1, opacity + 0.2),
      fillColor: countColour(countClass(count.n, bounds), bounds.length),
      fillOpacity: opacity,
    };
  };
  const onEachFeature = (feature: LayerFeature, layer: Layer) => {
    const count = toShownCount(feature.properties.count);
    layer.bindTooltip(count ? `${formatShownCount(count)} reports` : 'No count', { sticky: true });
  };
  return <GeoJSON data={data} style={style} onEachFeature={onEachFeature} pane="hexagons" />;
}
