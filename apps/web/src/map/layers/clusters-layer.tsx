import type { Layer, LeafletMouseEvent, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { formatShownCount, toShownCount } from '../../features/map/layer-api.ts';
import { CLUSTER_COLOUR } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export interface ClustersLayerProps {
  readonly data: LayerResponse;
  readonly opacity: number;
  readonly selectedId: number | null;
  readonly onSelect?: ((clusterId: number, feature: LayerFeature) => void) | undefined;
}

/** DBSCAN clusters: extents for analysts, generalised hexagon areas for chairs. */
export function ClustersLayer({ data, opacity, selectedId, onSelect }: ClustersLayerProps) {
  useEffect(() => markLayerDrawn('clusters', data.features.length), [data]);
  const style = (feature?: LayerFeature): PathOptions => {
    const isSelected = Number(feature?.properties.clusterId) === selectedId;
    return {
      className: 'layer-cluster',
      color: isSelected ? '#0b0c0c' : CLUSTER_COLOUR,
      weight: isSelected ? 4 : 2.5,
      opacity: Math.max(0.5, opacity),
      fillColor: CLUSTER_COLOUR,
      fillOpacity: (isSelected ? 0.35 : 0.18) * opacity,
    };
  };
  const onEachFeature = (feature: LayerFeature, layer: Layer) => {
    const count = toShownCount(feature.properties.reports);
    layer.bindTooltip(
      `Cluster ${Number(feature.properties.clusterId) + 1}${count ? `: ${formatShownCount(count)} reports` : ''}`,
      { sticky: true },
    );
    if (onSelect) {
      layer.on('click', (e: LeafletMouseEvent) => {
        e.originalEvent.stopPropagation();
        onSelect(Number(feature.properties.clusterId), feature);
      });
    }
  };
  return (
    <GeoJSON
      data={data as never}
      style={style as never}
      onEachFeature={onEachFeature as never}
      pane="clusters"
    />
  );
}
