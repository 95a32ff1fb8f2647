import type { BoundaryCollection, BoundaryKind } from '@hotspot/contracts';
import type { Layer, PathOptions } from 'leaflet';
import { GeoJSON } from 'react-leaflet';

const STYLES: Record<Exclude<BoundaryKind, 'partnership'>, PathOptions> = {
  district: { color: '#1d3557', weight: 3, opacity: 0.9, fillColor: '#1d3557', fillOpacity: 0.04 },
  ward: { color: '#4a5a6a', weight: 1.2, opacity: 0.8, dashArray: '4 3', fill: false },
};

export interface BoundariesLayerProps {
  readonly kind: Exclude<BoundaryKind, 'partnership'>;
  readonly data: BoundaryCollection;
}

/**
 * District or ward outlines drawn from data (never baked into tiles, so they show when
 * tiles fail). Reads its props once: the parent remounts it with a new `key` on new data.
 */
export function BoundariesLayer({ kind, data }: BoundariesLayerProps) {
  const onEachFeature = (feature: BoundaryCollection['features'][number], layer: Layer) => {
    const name = feature.properties.name;
    // District names stay on screen (meetings orient by them); wards name themselves on hover.
    layer.bindTooltip(name, {
      permanent: kind === 'district',
      direction: 'center',
      className: kind === 'district' ? 'boundary-label boundary-label--district' : 'boundary-label',
      sticky: kind === 'ward',
    });
  };
  return (
    <GeoJSON
      data={data}
      style={() => STYLES[kind]}
      onEachFeature={onEachFeature}
      // Boundaries are context, not targets: clicks go through to the layers above.
      interactive={kind === 'ward'}
      pane={kind === 'district' ? 'districts' : 'wards'}
    />
  );
}
