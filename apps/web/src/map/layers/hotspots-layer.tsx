import type { Layer, LeafletMouseEvent, PathOptions } from 'leaflet';
import { useEffect } from 'react';
import { GeoJSON } from 'react-leaflet';
import type { LayerFeature, LayerResponse } from '../../features/map/layer-api.ts';
import { HOTSPOT_STATUS_STYLES, type HotspotStatus } from '../layer-styles.ts';
import { markLayerDrawn } from './layer-drawn.ts';

export function statusOf(feature: LayerFeature | undefined): HotspotStatus {
  const s = String(feature?.properties.status ?? 'proposed');
  return (s in HOTSPOT_STATUS_STYLES ? s : 'proposed') as HotspotStatus;
}

export interface HotspotsLayerProps {
  readonly data: LayerResponse;
  readonly opacity: number;
  readonly selectedId: string | null;
  readonly onSelect?: ((id: string) => void) | undefined;
  /** Names shown on the map at all times (meeting mode), not only on hover. */
  readonly labelled?: boolean;
}

/** Saved hotspots: outlined by status (colour and line pattern), named on the map. */
export function HotspotsLayer({
  data,
  opacity,
  selectedId,
  onSelect,
  labelled = false,
}: HotspotsLayerProps) {
  useEffect(() => markLayerDrawn('hotspots', data.features.length), [data]);
  const style = (feature?: LayerFeature): PathOptions => {
    const s = HOTSPOT_STATUS_STYLES[statusOf(feature)];
    const isSelected = String(feature?.properties.hotspotId) === selectedId;
    return {
      className: 'layer-hotspot',
      color: s.colour,
      weight: isSelected ? 5 : 3,
      opacity: Math.max(0.4, opacity),
      dashArray: s.dash ?? undefined,
      fillColor: s.colour,
      fillOpacity: (isSelected ? 0.3 : 0.12) * opacity,
    } as PathOptions;
  };
  const onEachFeature = (feature: LayerFeature, layer: Layer) => {
    const name = String(feature.properties.name ?? 'Hotspot');
    if (labelled) {
      layer.bindTooltip(name, {
        permanent: true,
        direction: 'center',
        className: 'hotspot-label',
      });
    } else {
      layer.bindTooltip(`${name} (${HOTSPOT_STATUS_STYLES[statusOf(feature)].label})`, {
        sticky: true,
      });
    }
    if (onSelect) {
      layer.on('click', (e: LeafletMouseEvent) => {
        e.originalEvent.stopPropagation();
        onSelect(String(feature.properties.hotspotId));
      });
    }
  };
  return <GeoJSON data={data} style={style} onEachFeature={onEachFeature} pane="hotspots" />;
}
