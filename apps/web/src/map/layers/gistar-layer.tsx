import type { Layer, LeafletMouseEvent, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { GISTAR_COLOURS, GISTAR_LABELS, type GistarBin } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export function binOf(feature: LayerFeature | undefined): GistarBin {
  const bin = Number(feature?.properties.bin ?? 0);
  return (bin >= -3 && bin <= 3 && Number.isInteger(bin) ? bin : 0) as GistarBin;
}

export interface GistarLayerProps {
  readonly data: LayerResponse;
  readonly opacity: number;
  /** Cell ids currently selected (drawn with a heavy outline). */
  readonly selected: ReadonlySet<string>;
  readonly onSelectCell?: ((cell: string) => void) | undefined;
}

/**
 * Gi* bins in ColorBrewer RdBu; not-significant cells are left undrawn (the legend says so),
 * which keeps the map calm and leaves the hot and cold areas standing out.
 */
export function GistarLayer({ data, opacity, selected, onSelectCell }: GistarLayerProps) {
  useEffect(() => markLayerDrawn('gistar', data.features.length), [data]);
  const significant = {
    ...data,
    features: data.features.filter((f) => binOf(f) !== 0),
  };
  const style = (feature?: LayerFeature): PathOptions => {
    const bin = binOf(feature);
    const isSelected = selected.has(String(feature?.properties.cell));
    return {
      className: `layer-gistar layer-gistar--bin${bin}`,
      color: isSelected ? '#0b0c0c' : '#505a5f',
      weight: isSelected ? 3 : 0.5,
      opacity: isSelected ? 1 : Math.min(1, opacity + 0.2),
      fillColor: GISTAR_COLOURS[bin],
      fillOpacity: opacity,
    };
  };
  const onEachFeature = (feature: LayerFeature, layer: Layer) => {
    layer.bindTooltip(GISTAR_LABELS[binOf(feature)], { sticky: true });
    if (onSelectCell) {
      layer.on('click', (e: LeafletMouseEvent) => {
        e.originalEvent.stopPropagation();
        onSelectCell(String(feature.properties.cell));
      });
    }
  };
  return <GeoJSON data={significant} style={style} onEachFeature={onEachFeature} pane="gistar" />;
}
