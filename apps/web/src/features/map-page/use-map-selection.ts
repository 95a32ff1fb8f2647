import type { Polygon } from 'geojson';
import type L from 'leaflet';
import { useCallback, useMemo, useState } from 'react';
import { binOf } from '../../map/layers/gistar-layer.tsx';
import {
  cellsOutline,
  connectedCells,
  polygonAt,
  thinPolygon,
} from '../../map/selection-geometry.ts';
import type { MapSelection } from '../map/hotspot-panel.tsx';
import type { LayerFeature, LayerResponse } from '../map/layer-api.ts';

/**
 * What the user has picked on the map (a hotspot, Gi* cells, a density band, a cluster or a
 * drawn area) and the ways to pick it; the hotspot panel shows the selection.
 */
export function useMapSelection({
  gistar,
  clusters,
  map,
}: {
  readonly gistar: LayerResponse | undefined;
  readonly clusters: LayerResponse | undefined;
  readonly map: L.Map | null;
}) {
  const [selection, setSelection] = useState<MapSelection | null>(null);
  const [drawing, setDrawing] = useState(false);

  const selectCell = useCallback(
    (cell: string) => {
      const data = gistar;
      if (!data) return;
      const cells = data.features
        .filter((f) => binOf(f) !== 0 && f.geometry?.type === 'Polygon')
        .map((f) => ({
          id: String(f.properties.cell),
          ring: (f.geometry as Polygon).coordinates[0] ?? [],
          group: Math.sign(binOf(f)),
        }));
      const ids = connectedCells(cells, cell);
      const rings = cells.filter((c) => ids.includes(c.id)).map((c) => c.ring);
      const params = data.parameters ?? {};
      setSelection({
        kind: 'cells',
        cellIds: ids,
        sizeMeters: Number(params.sizeMeters ?? 250),
        outline: cellsOutline(rings),
        parameters: {
          sizeMeters: Number(params.sizeMeters ?? 250),
          distanceMeters: typeof params.distanceMeters === 'number' ? params.distanceMeters : null,
          fdr: params.fdr === true,
        },
      });
    },
    [gistar],
  );

  const selectBand = useCallback(
    (band: number, feature: LayerFeature, lngLat: [number, number] | null) => {
      const g = feature.geometry;
      if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') return;
      // From the table there is no click point: the band's largest piece is taken.
      const part = polygonAt(g, lngLat ?? [Number.NaN, Number.NaN]);
      if (part) setSelection({ kind: 'band', band, area: thinPolygon(part) });
    },
    [],
  );

  const selectCluster = useCallback(
    (feature: LayerFeature) => {
      const params = clusters?.parameters ?? {};
      const g = feature.geometry;
      setSelection({
        kind: 'cluster',
        clusterId: Number(feature.properties.clusterId),
        epsMeters: Number(params.epsMeters ?? 150),
        minPoints: Number(params.minPoints ?? 5),
        geometry: g?.type === 'Polygon' || g?.type === 'MultiPolygon' ? g : null,
      });
    },
    [clusters],
  );

  const selectVisibleArea = () => {
    if (!map) return;
    // The middle of the view: zoom to the place, then take it (keyboard alternative to drawing).
    const b = map.getBounds().pad(-0.3);
    const [w, s, e, n] = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    setSelection({
      kind: 'drawn',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, n],
            [w, n],
            [w, s],
          ],
        ],
      },
    });
  };

  const onDrawn = useCallback((polygon: Polygon) => {
    setDrawing(false);
    setSelection({ kind: 'drawn', area: polygon });
  }, []);
  const cancelDrawing = useCallback(() => setDrawing(false), []);

  const selectedCells = useMemo(
    () => new Set(selection?.kind === 'cells' ? selection.cellIds : []),
    [selection],
  );

  return {
    selection,
    setSelection,
    drawing,
    setDrawing,
    selectCell,
    selectBand,
    selectCluster,
    selectVisibleArea,
    onDrawn,
    cancelDrawing,
    selectedCells,
  };
}

export type MapSelectionState = ReturnType<typeof useMapSelection>;
