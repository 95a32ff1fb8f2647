import type { Role } from '@hotspot/contracts';
import type L from 'leaflet';
import { useCallback, useState } from 'react';
import { useMe, usePartnership } from '../../api/queries.ts';
import { legendFor } from '../../map/layer-styles.ts';
import { MapView, type MapViewport } from '../../map/map-view.tsx';
import { Link, navigate, useLocation } from '../../routing/router.tsx';
import { describeError, ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import {
  chooseMethod,
  layersForRole,
  type MapLayerId,
  type MapViewState,
  methodOfLayer,
  parseMapViewState,
  shownLayers,
  toggleLayer,
  withMapViewState,
} from '../../url-state/map-view-state.ts';
import { formatDate, monthWithin, periodMonths, resolvePeriod } from '../../url-state/period.ts';
import { AnalysisPanel } from '../map/analysis-panel.tsx';
import { FiltersPanel } from '../map/filters-panel.tsx';
import { HotspotPanel } from '../map/hotspot-panel.tsx';
import { LegendPanel } from '../map/legend-panel.tsx';
import { MapKey } from '../map/map-key.tsx';
import { MapTable } from '../map/map-table.tsx';
import { DistrictPicker } from './district-picker.tsx';
import { LayerList, layerOpacity } from './layer-list.tsx';
import { LayerStack } from './layer-stack.tsx';
import { legendInputOf } from './legend-input.ts';
import {
  BoundsReporter,
  FitToFeatures,
  type MapBoundsState,
  MapHandle,
  PatternDefs,
} from './map-handles.tsx';
import { useMapLayers } from './map-layers.ts';
import { ShownCount } from './shown-count.tsx';
import { useMapSelection } from './use-map-selection.ts';
import '../map/map.css';

// The map page composes its parts: the view state in the URL (this file), the layers' data
// (map-layers.ts), what is drawn (layer-stack.tsx), the legend (legend-input.ts), what is
// selected (use-map-selection.ts) and the panel's sections.

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

  const layers = useMapLayers({ query, view, allowed, on, bounds });
  const { hexagons, gistar, density, clusters, emerging, hotspots, points } = layers;
  const opacity = (id: MapLayerId) => layerOpacity(view, id);
  const legend = legendFor(
    shown.filter((id) => id !== 'districts' && id !== 'wards'),
    legendInputOf(layers),
  );
  const analysisResult = { gistar, dbscan: clusters, density, emerging }[view.method];

  const s = useMapSelection({ gistar: gistar.data, clusters: clusters.data, map });
  const { selection } = s;

  const periodText = `${formatDate(period.from)} – ${formatDate(period.to)}`;

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
          <LayerStack
            tiles={p.tiles}
            layers={layers}
            on={on}
            opacity={opacity}
            selection={s}
            canAnalyse={canAnalyse}
          />
        </MapView>
        {legend.length > 0 && (
          <MapKey map={map}>
            <LegendPanel sections={legend} />
          </MapKey>
        )}
        {s.drawing && (
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
              onSelectHotspot: (id) => s.setSelection({ kind: 'hotspot', id }),
              onSelectCluster: canAnalyse ? s.selectCluster : undefined,
              onSelectBand: canAnalyse
                ? (f) => s.selectBand(Number(f.properties.band ?? 0), f, null)
                : undefined,
            }}
          />
        </section>
      )}

      <aside className="map-panel" aria-label="Map controls">
        <div className="panel-top">
          <ShownCount
            role={role}
            hexagons={layers.hexagons.data}
            hotspots={layers.hotspots.data}
            loading={layers.loading}
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
        {canAnalyse && on('districts') && layers.districts.data && (
          <DistrictPicker
            districts={layers.districts.data}
            selected={selection?.kind === 'district' ? selection.code : ''}
            onSelect={(code, name) =>
              s.setSelection(code ? { kind: 'district', code, name } : null)
            }
          />
        )}
        {role === 'partner' && (
          <p className="notice">
            The map shows the hotspots where {agencyName} has actions.{' '}
            <Link href="/actions">Go to my agency's actions</Link>
          </p>
        )}
        {layers.errors.length > 0 && (
          <div className="field-error" role="alert">
            {layers.errors.map(([name, q]) => (
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
            onClear={() => s.setSelection(null)}
            onCreated={(id) => s.setSelection({ kind: 'hotspot', id })}
            hotspotFeature={
              selection.kind === 'hotspot'
                ? layers.hotspots.data?.features.find(
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

        <LayerList
          allowed={allowed}
          shown={shown}
          view={view}
          meeting={meeting}
          boundariesFailed={layers.districts.isError || layers.wards.isError}
          onToggle={(id, checked) => update(switchLayer(id, checked))}
          onChange={update}
        />

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
                  aria-pressed={s.drawing}
                  onClick={() => s.setDrawing((d) => !d)}
                  disabled={asTable}
                >
                  {s.drawing ? 'Cancel drawing' : 'Draw an area'}
                </button>
                <button
                  type="button"
                  className="button button--small"
                  onClick={s.selectVisibleArea}
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
