import type { Layer, LeafletMouseEvent, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { formatShownCount, toShownCount } from '../../features/map/layer-api.ts';
import { CLUSTER_COLOUR, CLUSTER_EDGE } from '../layer-styles.ts';
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
    // Drawn above the hexagons: a solid fill and a dark edge, so a cluster stands out from the
    // count colours underneath instead of being a thin line lost among them.
    return {
      className: 'layer-cluster',
      color: CLUSTER_EDGE,
      weight: isSelected ? 5 : 3,
      opacity: Math.max(0.7, opacity),
      fillColor: CLUSTER_COLOUR,
      fillOpacity: (isSelected ? 0.85 : 0.7) * opacity,
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
  return <GeoJSON data={data} style={style} onEachFeature={onEachFeature} pane="clusters" />;
}
