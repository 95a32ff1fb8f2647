import type { Polygon } from 'geojson';
import L from 'leaflet';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Pane, useMap } from 'react-leaflet';
import { useBoundaries, useMe, usePartnership } from '../../api/queries.ts';
import type { BoundaryCollection, Role } from '../../api/types.ts';
import {
  ACTION_STATUSES,
  type ActionStatus,
  countClassBounds,
  type LegendInput,
  legendFor,
} from '../../map/layer-styles.ts';
import { type ActionMarker, ActionsLayer } from '../../map/layers/actions-layer.tsx';
import { BoundariesLayer } from '../../map/layers/boundaries-layer.tsx';
import { ClustersLayer } from '../../map/layers/clusters-layer.tsx';
import { DensityLayer } from '../../map/layers/density-layer.tsx';
import { DrawControl } from '../../map/layers/draw-control.tsx';
import { EmergingLayer } from '../../map/layers/emerging-layer.tsx';
import { binOf, GistarLayer } from '../../map/layers/gistar-layer.tsx';
import { HexagonLayer } from '../../map/layers/hexagon-layer.tsx';
import { HotspotsLayer } from '../../map/layers/hotspots-layer.tsx';
import { PointsLayer } from '../../map/layers/points-layer.tsx';
import { BaseTileLayer } from '../../map/layers/tile-layer.tsx';
import { MapView, type MapViewport } from '../../map/map-view.tsx';
import {
  cellsOutline,
  connectedCells,
  polygonAt,
  thinPolygon,
} from '../../map/selection-geometry.ts';
import { Link, navigate, useLocation } from '../../routing/router.tsx';
import { describeError, ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import {
  chooseMethod,
  layersForRole,
  type MapLayerId,
  type MapViewState,
  methodOfLayer,
  parseMapViewState,
  setOpacity,
  shownLayers,
  toggleLayer,
  withMapViewState,
} from '../../url-state/map-view-state.ts';
import { formatDate, monthWithin, periodMonths, resolvePeriod } from '../../url-state/period.ts';
import { useDbscanLayer, useEmergingLayer } from '../map/analysis-api.ts';
import { AnalysisPanel } from '../map/analysis-panel.tsx';
import { FiltersPanel } from '../map/filters-panel.tsx';
import { type ActionSummary, useActions } from '../map/hotspot-api.ts';
import { HotspotPanel, type MapSelection } from '../map/hotspot-panel.tsx';
import {
  formatShownCount,
  type LayerFeature,
  type LayerResponse,
  toShownCount,
  useDensityLayer,
  useHexagonLayer,
  useHotspotLayer,
  usePointLayer,
} from '../map/layer-api.ts';
import { LegendPanel } from '../map/legend-panel.tsx';
import { MapKey } from '../map/map-key.tsx';
import { MapTable } from '../map/map-table.tsx';
import '../map/map.css';

const LAYER_LABELS: Readonly<Record<MapLayerId, string>> = {
  districts: 'District boundaries',
  wards: 'Ward boundaries (2013)',
  hexagons: 'Reports per hexagon',
  density: 'Density bands',
  gistar: 'Gi* hot and cold spots',
  emerging: 'Emerging hot spots',
  clusters: 'DBSCAN clusters',
  hotspots: 'Hotspots',
  actions: 'Actions',
  points: 'Report points',
};

/** Layers with an opacity slider (the boundaries and markers keep theirs). */
const HAS_OPACITY: ReadonlySet<MapLayerId> = new Set([
  'hexagons',
  'density',
  'gistar',
  'emerging',
  'clusters',
  'hotspots',
  'points',
]);

const DEFAULT_OPACITY: Readonly<Partial<Record<MapLayerId, number>>> = {
  hexagons: 70,
  density: 65,
  gistar: 75,
  emerging: 75,
  clusters: 80,
  hotspots: 90,
  points: 90,
};

/** SVG patterns used by the layers and legend (one definition for the page). */
function PatternDefs() {
  return (
    <svg width="0" height="0" className="pattern-defs" aria-hidden="true" focusable="false">
      <defs>
        <pattern
          id="suppressed-hatch"
          patternUnits="userSpaceOnUse"
          width="6"
          height="6"
          patternTransform="rotate(45)"
        >
          <rect width="6" height="6" fill="#e8e8e8" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#767676" strokeWidth="2.5" />
        </pattern>
      </defs>
    </svg>
  );
}

export interface MapBoundsState {
  readonly bbox: readonly [number, number, number, number];
  readonly zoom: number;
}

/** Reports the visible box and zoom (for the points layer, which is fetched per view). */
function BoundsReporter({ onChange }: { readonly onChange: (b: MapBoundsState) => void }) {
  const map = useMap();
  useEffect(() => {
    const report = () => {
      const b = map.getBounds();
      onChange({
        bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
        zoom: map.getZoom(),
      });
    };
    report();
    map.on('moveend', report);
    return () => {
      map.off('moveend', report);
    };
  }, [map, onChange]);
  return null;
}

/**
 * Partners open the map from an email link to see where their actions are: with no view in
 * the link, the map is fitted once to their hotspots rather than to the whole area.
 */
function FitToFeatures({ data }: { readonly data: LayerResponse | undefined }) {
  const map = useMap();
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (done || !data || data.features.length === 0) return;
    const bounds = L.geoJSON(data as never).getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [60, 60], maxZoom: 15 });
    setDone(true);
  }, [data, done, map]);
  return null;
}

/** Gives the page a way to read the current map (for "use the visible area"). */
function MapHandle({ onReady }: { readonly onReady: (map: L.Map) => void }) {
  const map = useMap();
  useEffect(() => onReady(map), [map, onReady]);
  return null;
}

const ACTION_URGENCY: readonly ActionStatus[] = [
  'assigned',
  'acknowledged',
  'in_progress',
  'declined',
  'completed',
];

function centreOfGeometry(feature: LayerResponse['features'][number]): [number, number] | null {
  const g = feature.geometry;
  const rings =
    g?.type === 'Polygon'
      ? [g.coordinates[0]]
      : g?.type === 'MultiPolygon'
        ? g.coordinates.map((p) => p[0])
        : [];
  const points = rings.flatMap((r) => r ?? []);
  if (points.length === 0) return null;
  const lats = points.map((p) => p[1] ?? 0);
  const lngs = points.map((p) => p[0] ?? 0);
  return [(Math.min(...lats) + Math.max(...lats)) / 2, (Math.min(...lngs) + Math.max(...lngs)) / 2];
}

/** One marker per hotspot that has actions the user may see, in the most pressing status. */
export function actionMarkers(
  hotspots: LayerResponse | undefined,
  actions: readonly ActionSummary[] | undefined,
): ActionMarker[] {
  if (!hotspots || !actions) return [];
  const markers: ActionMarker[] = [];
  for (const f of hotspots.features) {
    const id = String(f.properties.hotspotId);
    const mine = actions.filter((a) => a.hotspotId === id);
    const centre = centreOfGeometry(f);
    if (mine.length === 0 || !centre) continue;
    const status =
      ACTION_URGENCY.find((s) => mine.some((a) => a.status === s)) ?? ('assigned' as ActionStatus);
    const overdue = mine.filter((a) => a.overdue).length;
    const byStatus = ACTION_STATUSES.flatMap((s) => {
      const n = mine.filter((a) => a.status === s).length;
      return n > 0 ? [`${n} ${s.replace('_', ' ')}`] : [];
    });
    markers.push({
      hotspotId: id,
      hotspotName: String(f.properties.name ?? 'Hotspot'),
      position: centre,
      status,
      count: mine.length,
      summary: `${mine.length} ${mine.length === 1 ? 'action' : 'actions'} (${byStatus.join(', ')})${overdue > 0 ? `, ${overdue} overdue` : ''}`,
    });
  }
  return markers;
}

function ShownCount({
  role,
  hexagons,
  hotspots,
  loading,
}: {
  readonly role: Role;
  readonly hexagons: LayerResponse | undefined;
  readonly hotspots: LayerResponse | undefined;
  readonly loading: boolean;
}) {
  let text = '';
  if (role === 'partner') {
    const n = hotspots?.features.length;
    text =
      n === undefined ? '' : `${n} ${n === 1 ? 'hotspot' : 'hotspots'} with your agency's actions`;
  } else if (hexagons) {
    const total = toShownCount(hexagons.totalRecords ?? hexagons.reports);
    if (total) {
      text = `${formatShownCount(total)} reports`;
    } else {
      // Non-analysts get no exact total: say what is drawn, suppressed cells as such.
      const counts = hexagons.features.map((f) => toShownCount(f.properties.count));
      const suppressed = counts.filter((c) => c?.kind === 'suppressed').length;
      const k = hexagons.disclosure?.suppressionK ?? 3;
      text = `${counts.length.toLocaleString('en-GB')} hexagons with reports${suppressed > 0 ? ` (${suppressed.toLocaleString('en-GB')} with fewer than ${k})` : ''}`;
    }
  }
  return (
    <p
      className="shown-count"
      role="status"
      aria-live="polite"
      data-testid="shown-count"
      aria-busy={loading}
    >
      {text || (loading ? 'Counting…' : '')}
    </p>
  );
}

export function MapPage() {
  const me = useMe();
  const partnership = usePartnership();
  if (partnership.isPending || me.isPending) return <LoadingNotice what="the map" />;
  if (partnership.isError) return <ErrorNotice error={partnership.error} what="the map" />;
  if (me.isError) return <ErrorNotice error={me.error} what="the map" />;
  return (
    <MapWorkspace
      role={me.data.role}
      partnership={partnership.data}
      agencyName={me.data.agency.name}
    />
  );
}

function MapWorkspace({
  role,
  partnership: p,
  agencyName,
}: {
  readonly role: Role;
  readonly partnership: NonNullable<ReturnType<typeof usePartnership>['data']>;
  readonly agencyName: string;
}) {
  const location = useLocation();
  const view = parseMapViewState(location.search);
  // "Today" is read once per visit: presets and the slider stay put while the page is open.
  const [today] = useState(() => new Date());
  // The chosen period (From/To), and what the layers show: one month of it while the slider
  // or Play step through it, else all of it.
  const chosenPeriod = resolvePeriod(view.from, view.to, today);
  const month = view.month && periodMonths(chosenPeriod).includes(view.month) ? view.month : null;
  const period = month ? monthWithin(chosenPeriod, month) : chosenPeriod;
  const allowed = layersForRole(role);
  const shown = shownLayers(view, role, new URLSearchParams(location.search).has('layers'));
  const on = (id: MapLayerId) => shown.includes(id);
  const canAnalyse = role === 'analyst' || role === 'chair';
  const meeting = role === 'viewer';
  const query = { period, filters: view.filters, published: role !== 'analyst' };

  const [bounds, setBounds] = useState<MapBoundsState | null>(null);
  const [selection, setSelection] = useState<MapSelection | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [asTable, setAsTable] = useState(false);
  const [map, setMap] = useState<L.Map | null>(null);

  // Switching a layer starts from what is drawn; ticking an analysis layer chooses its method
  // for those who choose one, so the method control and the map always agree.
  const switchLayer = (id: MapLayerId, checked: boolean): MapViewState => {
    const method = methodOfLayer(id);
    const drawn = { ...view, layers: shown };
    return checked && canAnalyse && method
      ? chooseMethod(drawn, method)
      : toggleLayer(drawn, id, checked);
  };

  const update = useCallback((next: MapViewState) => {
    const current = new URL(window.location.href);
    navigate(`${current.pathname}${withMapViewState(current.search, next)}`, { replace: true });
  }, []);

  const onViewportChange = useCallback((viewport: MapViewport) => {
    const current = new URL(window.location.href);
    const state = parseMapViewState(current.search);
    navigate(`${current.pathname}${withMapViewState(current.search, { ...state, ...viewport })}`, {
      replace: true,
    });
  }, []);

  const districts = useBoundaries('district', { enabled: on('districts') });
  const wards = useBoundaries('ward', { enabled: on('wards') });
  // The count hexagons also give the count of what is shown, so they load for every role
  // that may see them, even with the layer off (the same request, cached once).
  const hexagons = useHexagonLayer(query, 'count', view.parameters, {
    enabled: allowed.includes('hexagons'),
  });
  const gistar = useHexagonLayer(query, 'gistar', view.parameters, { enabled: on('gistar') });
  const density = useDensityLayer(query, view.parameters, { enabled: on('density') });
  const clusters = useDbscanLayer(query, view.parameters, { enabled: on('clusters') });
  const emerging = useEmergingLayer(query, view.parameters, { enabled: on('emerging') });
  const hotspots = useHotspotLayer(query, { enabled: on('hotspots') || on('actions') });
  const points = usePointLayer(query, bounds, { enabled: on('points') });
  const actions = useActions(on('actions'));

  const opacity = (id: MapLayerId) => (view.opacity[id] ?? DEFAULT_OPACITY[id] ?? 100) / 100;

  const hexBounds = useMemo(() => {
    const counts = (hexagons.data?.features ?? []).flatMap((f) => {
      const c = toShownCount(f.properties.count);
      return c && c.kind !== 'suppressed' ? [c.n] : [];
    });
    const max = counts.reduce((m, n) => Math.max(m, n), 1);
    const min = counts.length > 0 ? counts.reduce((m, n) => Math.min(m, n), max) : 1;
    return countClassBounds(max, min);
  }, [hexagons.data]);

  const markers = useMemo(
    () => actionMarkers(hotspots.data, actions.data),
    [hotspots.data, actions.data],
  );

  const legendInput: LegendInput = {
    ...(hexagons.data
      ? {
          hexagons: {
            bounds: hexBounds,
            suppressedBelow: hexagons.data.features.some(
              (f) => toShownCount(f.properties.count)?.kind === 'suppressed',
            )
              ? (hexagons.data.disclosure?.suppressionK ?? null)
              : null,
            ...(hexagons.data.disclosure?.perturbationBound !== undefined
              ? {
                  published: {
                    k: hexagons.data.disclosure.suppressionK,
                    bound: hexagons.data.disclosure.perturbationBound,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(density.data
      ? {
          density: {
            bands: density.data.features.map((f) => ({
              lower: Number(f.properties.lower ?? 0),
              upper: Number(f.properties.upper ?? 0),
            })),
            unit: String(density.data.unit ?? 'reports per km²'),
          },
        }
      : {}),
    ...(hotspots.data
      ? { hotspots: { statuses: hotspots.data.features.map((f) => String(f.properties.status)) } }
      : {}),
    ...(actions.data ? { actions: { statuses: markers.map((m) => m.status) } } : {}),
    ...(points.data ? { points: { clustered: points.data.clustered === true } } : {}),
    ...(clusters.data ? { clusters: { count: clusters.data.features.length } } : {}),
    ...(emerging.data
      ? { emerging: { patterns: emerging.data.features.map((f) => String(f.properties.pattern)) } }
      : {}),
  };
  const legend = legendFor(
    shown.filter((id) => id !== 'districts' && id !== 'wards'),
    legendInput,
  );

  const analysisResult = { gistar, dbscan: clusters, density, emerging }[view.method];

  // ----- selecting on the map -----
  const selectCell = useCallback(
    (cell: string) => {
      const data = gistar.data;
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
    [gistar.data],
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
      const params = clusters.data?.parameters ?? {};
      const g = feature.geometry;
      setSelection({
        kind: 'cluster',
        clusterId: Number(feature.properties.clusterId),
        epsMeters: Number(params.epsMeters ?? 100),
        minPoints: Number(params.minPoints ?? 5),
        geometry: g?.type === 'Polygon' || g?.type === 'MultiPolygon' ? g : null,
      });
    },
    [clusters.data],
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

  const periodText = `${formatDate(period.from)} – ${formatDate(period.to)}`;
  const loading = [hexagons, gistar, density, clusters, emerging, hotspots, points].some(
    (q) => q.isFetching,
  );
  const layerErrors = (
    [
      ['Reports per hexagon', hexagons, on('hexagons')],
      ['Gi* hot spots', gistar, on('gistar')],
      ['Density', density, on('density')],
      ['Clusters', clusters, on('clusters')],
      ['Emerging hot spots', emerging, on('emerging')],
      ['Hotspots', hotspots, on('hotspots')],
      ['Report points', points, on('points')],
    ] as const
  ).filter(([, q, visible]) => visible && q.isError);

  return (
    <div className={`map-page ${meeting ? 'map-page--meeting' : ''}`}>
      <h1 className="visually-hidden">Map of {p.name}</h1>
      <PatternDefs />
      <div className="map-frame" hidden={asTable}>
        <MapView
          bbox={p.bbox}
          initialCenter={view.center}
          initialZoom={view.zoom}
          onViewportChange={onViewportChange}
        >
          <MapHandle onReady={setMap} />
          <BoundsReporter onChange={setBounds} />
          {role === 'partner' && view.center === null && <FitToFeatures data={hotspots.data} />}
          <Pane name="hexagons" style={{ zIndex: 410 }} />
          <Pane name="density" style={{ zIndex: 412 }} />
          <Pane name="gistar" style={{ zIndex: 414 }} />
          <Pane name="clusters" style={{ zIndex: 416 }} />
          <Pane name="hotspots" style={{ zIndex: 420 }} />
          <Pane name="points" style={{ zIndex: 430 }} />
          <BaseTileLayer url={p.tiles.url} attribution={p.tiles.attribution} />
          {on('wards') && wards.data && (
            <BoundariesLayer key={`ward-${wards.dataUpdatedAt}`} kind="ward" data={wards.data} />
          )}
          {on('districts') && districts.data && (
            <BoundariesLayer
              key={`district-${districts.dataUpdatedAt}`}
              kind="district"
              data={districts.data}
            />
          )}
          {on('hexagons') && hexagons.data && (
            <HexagonLayer
              key={`hex-${hexagons.dataUpdatedAt}`}
              data={hexagons.data}
              bounds={hexBounds}
              opacity={opacity('hexagons')}
            />
          )}
          {on('density') && density.data && (
            <DensityLayer
              key={`density-${density.dataUpdatedAt}`}
              data={density.data}
              opacity={opacity('density')}
              selectedBand={selection?.kind === 'band' ? selection.band : null}
              onSelectBand={canAnalyse ? selectBand : undefined}
            />
          )}
          {on('gistar') && gistar.data && (
            <GistarLayer
              key={`gistar-${gistar.dataUpdatedAt}`}
              data={gistar.data}
              opacity={opacity('gistar')}
              selected={selectedCells}
              onSelectCell={canAnalyse ? selectCell : undefined}
            />
          )}
          {on('emerging') && emerging.data && (
            <EmergingLayer
              key={`emerging-${emerging.dataUpdatedAt}`}
              data={emerging.data}
              opacity={opacity('emerging')}
            />
          )}
          {on('clusters') && clusters.data && (
            <ClustersLayer
              key={`clusters-${clusters.dataUpdatedAt}`}
              data={clusters.data}
              opacity={opacity('clusters')}
              selectedId={selection?.kind === 'cluster' ? selection.clusterId : null}
              onSelect={canAnalyse ? (_id, feature) => selectCluster(feature) : undefined}
            />
          )}
          {on('hotspots') && hotspots.data && (
            <HotspotsLayer
              key={`hotspots-${hotspots.dataUpdatedAt}`}
              data={hotspots.data}
              opacity={opacity('hotspots')}
              selectedId={selection?.kind === 'hotspot' ? selection.id : null}
              onSelect={(id) => setSelection({ kind: 'hotspot', id })}
            />
          )}
          {on('points') && points.data && (
            <PointsLayer
              key={`points-${points.dataUpdatedAt}`}
              data={points.data}
              opacity={opacity('points')}
            />
          )}
          {on('actions') && <ActionsLayer markers={markers} />}
          {canAnalyse && (
            <DrawControl active={drawing} onDrawn={onDrawn} onCancel={cancelDrawing} />
          )}
        </MapView>
        {legend.length > 0 && (
          <MapKey map={map}>
            <LegendPanel sections={legend} />
          </MapKey>
        )}
        {drawing && (
          <div className="map-notice map-notice--drawing" role="status">
            Click the corners of the area; click the first corner to finish. Escape cancels.
          </div>
        )}
      </div>
      {asTable && (
        // Focusable so keyboard users can scroll the tables (the frame scrolls, not the page).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus
        <section className="map-table-frame" tabIndex={0} aria-label="The map as tables">
          <MapTable
            data={{
              layers: shown,
              hexagons: hexagons.data,
              gistar: gistar.data,
              density: density.data,
              clusters: clusters.data,
              emerging: emerging.data,
              hotspots: hotspots.data,
              points: points.data,
            }}
            actions={{
              onSelectHotspot: (id) => setSelection({ kind: 'hotspot', id }),
              onSelectCluster: canAnalyse ? selectCluster : undefined,
              onSelectBand: canAnalyse
                ? (f) => selectBand(Number(f.properties.band ?? 0), f, null)
                : undefined,
            }}
          />
        </section>
      )}

      <aside className="map-panel" aria-label="Map controls">
        <div className="panel-top">
          <ShownCount
            role={role}
            hexagons={hexagons.data}
            hotspots={hotspots.data}
            loading={loading}
          />
          <p className="period-text">{periodText}</p>
          <button
            type="button"
            className="button button--small"
            aria-pressed={asTable}
            onClick={() => setAsTable((v) => !v)}
          >
            {asTable ? 'Show the map' : 'Show as table'}
          </button>
        </div>
        {canAnalyse && on('districts') && districts.data && (
          <DistrictPicker
            districts={districts.data}
            selected={selection?.kind === 'district' ? selection.code : ''}
            onSelect={(code, name) => setSelection(code ? { kind: 'district', code, name } : null)}
          />
        )}
        {role === 'partner' && (
          <p className="notice">
            The map shows the hotspots where {agencyName} has actions.{' '}
            <Link href="/actions">Go to my agency's actions</Link>
          </p>
        )}
        {layerErrors.length > 0 && (
          <div className="field-error" role="alert">
            {layerErrors.map(([name, q]) => (
              <p key={name}>
                {name}: {describeError(q.error)}
              </p>
            ))}
          </div>
        )}

        {selection && (
          <HotspotPanel
            key={
              selection.kind === 'hotspot' ? selection.id : JSON.stringify(selection).slice(0, 200)
            }
            selection={selection}
            period={period}
            filters={view.filters}
            role={role}
            onClear={() => setSelection(null)}
            onCreated={(id) => setSelection({ kind: 'hotspot', id })}
            hotspotFeature={
              selection.kind === 'hotspot'
                ? hotspots.data?.features.find(
                    (f) => String(f.properties.hotspotId) === selection.id,
                  )
                : undefined
            }
          />
        )}

        {role !== 'partner' && (
          <details className="panel-section" open>
            <summary>
              <h2>Period and filters</h2>
            </summary>
            <FiltersPanel
              view={view}
              period={chosenPeriod}
              month={month}
              today={today}
              role={role}
              onChange={update}
            />
          </details>
        )}

        <details className="panel-section" open>
          <summary>
            <h2 id="layers-heading">Layers</h2>
          </summary>
          <ul className="layer-list">
            {allowed.map((id) => (
              <li key={id}>
                <label>
                  <input
                    type="checkbox"
                    checked={shown.includes(id)}
                    onChange={(e) => update(switchLayer(id, e.currentTarget.checked))}
                  />
                  {LAYER_LABELS[id]}
                </label>
                {HAS_OPACITY.has(id) && shown.includes(id) && !meeting && (
                  <label className="opacity">
                    <span className="visually-hidden">{LAYER_LABELS[id]} opacity</span>
                    <input
                      type="range"
                      min={10}
                      max={100}
                      step={10}
                      value={Math.round(opacity(id) * 100)}
                      aria-valuetext={`${Math.round(opacity(id) * 100)} %`}
                      onChange={(e) => update(setOpacity(view, id, Number(e.currentTarget.value)))}
                    />
                  </label>
                )}
              </li>
            ))}
          </ul>
          {(districts.isError || wards.isError) && (
            <p className="field-error" role="alert">
              Boundaries could not be loaded.
            </p>
          )}
        </details>

        {canAnalyse && (
          <details className="panel-section" open>
            <summary>
              <h2>Analysis</h2>
            </summary>
            {role === 'analyst' && (
              <AnalysisPanel
                key={`${view.method}|${JSON.stringify(view.parameters)}`}
                view={view}
                onChange={update}
                result={analysisResult.data}
                fetching={analysisResult.isFetching}
                error={analysisResult.isError ? describeError(analysisResult.error) : null}
              />
            )}
            <div className="draw-tools">
              <h3>Draw a hotspot by hand</h3>
              <div className="button-row">
                <button
                  type="button"
                  className="button button--small"
                  aria-pressed={drawing}
                  onClick={() => setDrawing((d) => !d)}
                  disabled={asTable}
                >
                  {drawing ? 'Cancel drawing' : 'Draw an area'}
                </button>
                <button
                  type="button"
                  className="button button--small"
                  onClick={selectVisibleArea}
                  disabled={asTable}
                >
                  Use the middle of the view
                </button>
              </div>
              <p className="hint">
                Or click a hot hexagon, a cluster or a density band to see its statistics.
              </p>
            </div>
          </details>
        )}
      </aside>
    </div>
  );
}

/** A district's figures (published values for chairs): the districts are a published geography. */
function DistrictPicker({
  districts,
  selected,
  onSelect,
}: {
  readonly districts: BoundaryCollection;
  readonly selected: string;
  readonly onSelect: (code: string, name: string) => void;
}) {
  const options = [...districts.features]
    .map((f) => f.properties)
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="field">
      <label htmlFor="district-summary">Summarise a district</label>
      <select
        id="district-summary"
        value={selected}
        onChange={(ev) => {
          const code = ev.currentTarget.value;
          onSelect(code, options.find((o) => o.code === code)?.name ?? code);
        }}
      >
        <option value="">Choose a district</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
