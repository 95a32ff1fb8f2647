import { Pane } from 'react-leaflet';
import { ActionsLayer } from '../../map/layers/actions-layer.tsx';
import { BoundariesLayer } from '../../map/layers/boundaries-layer.tsx';
import { ClustersLayer } from '../../map/layers/clusters-layer.tsx';
import { DensityLayer } from '../../map/layers/density-layer.tsx';
import { DrawControl } from '../../map/layers/draw-control.tsx';
import { EmergingLayer } from '../../map/layers/emerging-layer.tsx';
import { GistarLayer } from '../../map/layers/gistar-layer.tsx';
import { HexagonLayer } from '../../map/layers/hexagon-layer.tsx';
import { HotspotsLayer } from '../../map/layers/hotspots-layer.tsx';
import { PointsLayer } from '../../map/layers/points-layer.tsx';
import { BaseTileLayer } from '../../map/layers/tile-layer.tsx';
import type { MapLayerId } from '../../url-state/map-view-state.ts';
import type { MapLayers } from './map-layers.ts';
import type { MapSelectionState } from './use-map-selection.ts';

export interface LayerStackProps {
  readonly tiles: { readonly url: string; readonly attribution: string };
  readonly layers: MapLayers;
  readonly on: (id: MapLayerId) => boolean;
  /** 0..1 per layer. */
  readonly opacity: (id: MapLayerId) => number;
  readonly selection: MapSelectionState;
  /** Analysts and chairs select cells, bands and clusters, and draw. */
  readonly canAnalyse: boolean;
}

/** The map's panes and layers, bottom to top, each drawn once its data is there. */
export function LayerStack({
  tiles,
  layers,
  on,
  opacity,
  selection: s,
  canAnalyse,
}: LayerStackProps) {
  return (
    <>
      <Pane name="hexagons" style={{ zIndex: 410 }} />
      <Pane name="density" style={{ zIndex: 412 }} />
      <Pane name="gistar" style={{ zIndex: 414 }} />
      <Pane name="clusters" style={{ zIndex: 416 }} />
      <Pane name="hotspots" style={{ zIndex: 420 }} />
      <Pane name="points" style={{ zIndex: 430 }} />
      <BaseTileLayer url={tiles.url} attribution={tiles.attribution} />
      {on('wards') && layers.wards.data && (
        <BoundariesLayer
          key={`ward-${layers.wards.dataUpdatedAt}`}
          kind="ward"
          data={layers.wards.data}
        />
      )}
      {on('districts') && layers.districts.data && (
        <BoundariesLayer
          key={`district-${layers.districts.dataUpdatedAt}`}
          kind="district"
          data={layers.districts.data}
        />
      )}
      {on('hexagons') && layers.hexagons.data && (
        <HexagonLayer
          key={`hex-${layers.hexagons.dataUpdatedAt}`}
          data={layers.hexagons.data}
          bounds={layers.hexBounds}
          opacity={opacity('hexagons')}
        />
      )}
      {on('density') && layers.density.data && (
        <DensityLayer
          key={`density-${layers.density.dataUpdatedAt}`}
          data={layers.density.data}
          opacity={opacity('density')}
          selectedBand={s.selection?.kind === 'band' ? s.selection.band : null}
          onSelectBand={canAnalyse ? s.selectBand : undefined}
        />
      )}
      {on('gistar') && layers.gistar.data && (
        <GistarLayer
          key={`gistar-${layers.gistar.dataUpdatedAt}`}
          data={layers.gistar.data}
          opacity={opacity('gistar')}
          selected={s.selectedCells}
          onSelectCell={canAnalyse ? s.selectCell : undefined}
        />
      )}
      {on('emerging') && layers.emerging.data && (
        <EmergingLayer
          key={`emerging-${layers.emerging.dataUpdatedAt}`}
          data={layers.emerging.data}
          opacity={opacity('emerging')}
        />
      )}
      {on('clusters') && layers.clusters.data && (
        <ClustersLayer
          key={`clusters-${layers.clusters.dataUpdatedAt}`}
          data={layers.clusters.data}
          opacity={opacity('clusters')}
          selectedId={s.selection?.kind === 'cluster' ? s.selection.clusterId : null}
          onSelect={canAnalyse ? (_id, feature) => s.selectCluster(feature) : undefined}
        />
      )}
      {on('hotspots') && layers.hotspots.data && (
        <HotspotsLayer
          key={`hotspots-${layers.hotspots.dataUpdatedAt}`}
          data={layers.hotspots.data}
          opacity={opacity('hotspots')}
          selectedId={s.selection?.kind === 'hotspot' ? s.selection.id : null}
          onSelect={(id) => s.setSelection({ kind: 'hotspot', id })}
        />
      )}
      {on('points') && layers.points.data && (
        <PointsLayer
          key={`points-${layers.points.dataUpdatedAt}`}
          data={layers.points.data}
          opacity={opacity('points')}
        />
      )}
      {on('actions') && <ActionsLayer markers={layers.markers} />}
      {canAnalyse && (
        <DrawControl active={s.drawing} onDrawn={s.onDrawn} onCancel={s.cancelDrawing} />
      )}
    </>
  );
}
