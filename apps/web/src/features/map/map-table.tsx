import {
  EMERGING_PATTERNS,
  EMERGING_STYLES,
  GISTAR_BINS,
  GISTAR_LABELS,
  HOTSPOT_STATUS_STYLES,
  type HotspotStatus,
} from '../../map/layer-styles.ts';
import { binOf } from '../../map/layers/gistar-layer.tsx';
import type { MapLayerId } from '../../url-state/map-view-state.ts';
import { formatDate } from '../../url-state/period.ts';
import { riskLabel } from '../hotspots/hotspot-view.ts';
import {
  formatShownCount,
  type LayerFeature,
  type LayerResponse,
  toShownCount,
} from './layer-api.ts';

export interface MapTableData {
  readonly layers: readonly MapLayerId[];
  readonly hexagons?: LayerResponse | undefined;
  readonly gistar?: LayerResponse | undefined;
  readonly density?: LayerResponse | undefined;
  readonly clusters?: LayerResponse | undefined;
  readonly emerging?: LayerResponse | undefined;
  readonly hotspots?: LayerResponse | undefined;
  readonly points?: LayerResponse | undefined;
}

/** Selecting from the tables: the keyboard way to what a click on the map selects. */
export interface MapTableActions {
  readonly onSelectHotspot?: ((id: string) => void) | undefined;
  readonly onSelectCluster?: ((feature: LayerFeature) => void) | undefined;
  readonly onSelectBand?: ((feature: LayerFeature) => void) | undefined;
}

function SelectButton({
  label,
  onClick,
}: {
  readonly label: string;
  readonly onClick: () => void;
}) {
  return (
    <button type="button" className="button button--small" onClick={onClick}>
      Select<span className="visually-hidden"> {label}</span>
    </button>
  );
}

/** Centre of a feature's outer ring, as "52.3812, -2.2481" (a place a reader can look up). */
function centreOf(feature: LayerFeature): string {
  const g = feature.geometry;
  const ring =
    g?.type === 'Polygon'
      ? g.coordinates[0]
      : g?.type === 'MultiPolygon'
        ? g.coordinates[0]?.[0]
        : undefined;
  if (g?.type === 'Point')
    return `${g.coordinates[1]?.toFixed(4)}, ${g.coordinates[0]?.toFixed(4)}`;
  if (!ring || ring.length === 0) return '';
  const lng = ring.reduce((s, p) => s + (p[0] ?? 0), 0) / ring.length;
  const lat = ring.reduce((s, p) => s + (p[1] ?? 0), 0) / ring.length;
  return `${lat.toFixed(4)}, ${lng.toFixed(4)}`;
}

const MAX_ROWS = 25;

/**
 * The text alternative to the map: for each layer switched on, the same data as a table (the
 * busiest cells first, every hotspot, each density band and each confidence class).
 */
export function MapTable({
  data,
  actions = {},
}: {
  readonly data: MapTableData;
  readonly actions?: MapTableActions;
}) {
  const { onSelectHotspot, onSelectCluster, onSelectBand } = actions;
  const on = (id: MapLayerId) => data.layers.includes(id);
  const sections = [];
  if (on('hotspots') && data.hotspots) {
    sections.push(
      <section key="hotspots">
        <h3>Hotspots</h3>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Risk</th>
              <th scope="col">Review</th>
              <th scope="col">Reports</th>
              <th scope="col">Open actions</th>
              {onSelectHotspot && <th scope="col">Details</th>}
            </tr>
          </thead>
          <tbody>
            {data.hotspots.features.map((f) => {
              const p = f.properties;
              const reports = toShownCount(p.reports);
              return (
                <tr key={String(p.hotspotId)}>
                  <th scope="row">{String(p.name ?? '')}</th>
                  <td>
                    {HOTSPOT_STATUS_STYLES[p.status as HotspotStatus]?.label ?? String(p.status)}
                  </td>
                  <td>{p.risk ? riskLabel(String(p.risk)) : '—'}</td>
                  <td>{p.reviewOn ? formatDate(String(p.reviewOn)) : '—'}</td>
                  <td>{reports ? formatShownCount(reports) : '—'}</td>
                  <td>{String(p.openActions ?? 0)}</td>
                  {onSelectHotspot && (
                    <td>
                      <SelectButton
                        label={String(p.name ?? 'hotspot')}
                        onClick={() => onSelectHotspot(String(p.hotspotId))}
                      />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {data.hotspots.features.length === 0 && <p>No hotspots to show.</p>}
      </section>,
    );
  }
  if (on('gistar') && data.gistar) {
    const counts = new Map<number, number>();
    for (const f of data.gistar.features) counts.set(binOf(f), (counts.get(binOf(f)) ?? 0) + 1);
    sections.push(
      <section key="gistar">
        <h3>Gi* hot and cold spots</h3>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Confidence class</th>
              <th scope="col">Hexagons</th>
            </tr>
          </thead>
          <tbody>
            {GISTAR_BINS.filter((b) => b !== 0).map((b) => (
              <tr key={b}>
                <th scope="row">{GISTAR_LABELS[b]}</th>
                <td>{counts.get(b) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>,
    );
  }
  if (on('emerging') && data.emerging) {
    const features = data.emerging.features;
    const count = (p: string) => features.filter((f) => f.properties.pattern === p).length;
    sections.push(
      <section key="emerging">
        <h3>Emerging hot and cold spots</h3>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Pattern</th>
              <th scope="col">Hexagons</th>
            </tr>
          </thead>
          <tbody>
            {EMERGING_PATTERNS.filter((p) => count(p) > 0).map((p) => (
              <tr key={p}>
                <th scope="row">{EMERGING_STYLES[p].label}</th>
                <td>{count(p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>,
    );
  }
  if (on('clusters') && data.clusters) {
    sections.push(
      <section key="clusters">
        <h3>DBSCAN clusters</h3>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col">Reports</th>
              <th scope="col">Centre (lat, lng)</th>
              {onSelectCluster && <th scope="col">Statistics</th>}
            </tr>
          </thead>
          <tbody>
            {data.clusters.features.map((f) => {
              const n = toShownCount(f.properties.reports);
              return (
                <tr key={String(f.properties.clusterId)}>
                  <th scope="row">Cluster {Number(f.properties.clusterId) + 1}</th>
                  <td>{n ? formatShownCount(n) : '—'}</td>
                  <td>{centreOf(f)}</td>
                  {onSelectCluster && (
                    <td>
                      <SelectButton
                        label={`cluster ${Number(f.properties.clusterId) + 1}`}
                        onClick={() => onSelectCluster(f)}
                      />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>,
    );
  }
  if (on('density') && data.density) {
    sections.push(
      <section key="density">
        <h3>Density bands (reports per km²)</h3>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Band</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              {onSelectBand && <th scope="col">Statistics</th>}
            </tr>
          </thead>
          <tbody>
            {data.density.features.map((f) => (
              <tr key={String(f.properties.band)}>
                <th scope="row">{Number(f.properties.band) + 1}</th>
                <td>{String(f.properties.lower)}</td>
                <td>{String(f.properties.upper)}</td>
                {onSelectBand && (
                  <td>
                    <SelectButton
                      label={`band ${Number(f.properties.band) + 1}`}
                      onClick={() => onSelectBand(f)}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>,
    );
  }
  if (on('hexagons') && data.hexagons) {
    const cells = data.hexagons.features
      .map((f) => ({ f, count: toShownCount(f.properties.count) }))
      .sort((a, b) => {
        const v = (c: typeof a.count) => (c && c.kind !== 'suppressed' ? c.n : 0);
        return v(b.count) - v(a.count);
      });
    const suppressed = cells.filter((c) => c.count?.kind === 'suppressed').length;
    sections.push(
      <section key="hexagons">
        <h3>Reports per hexagon</h3>
        <p>
          {cells.length} hexagons hold reports
          {suppressed > 0
            ? `; ${suppressed} of them fewer than ${data.hexagons.disclosure?.suppressionK ?? 'k'}`
            : ''}
          . The {Math.min(MAX_ROWS, cells.length)} busiest:
        </p>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Centre (lat, lng)</th>
              <th scope="col">Reports</th>
            </tr>
          </thead>
          <tbody>
            {cells.slice(0, MAX_ROWS).map(({ f, count }) => (
              <tr key={String(f.properties.cell)}>
                <th scope="row">{centreOf(f)}</th>
                <td>{count ? formatShownCount(count) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>,
    );
  }
  if (on('points') && data.points) {
    sections.push(
      <section key="points">
        <h3>Reports (points)</h3>
        <p>
          {data.points.features.length.toLocaleString('en-GB')}{' '}
          {data.points.clustered ? 'groups of reports' : 'reports'} in the map view.
        </p>
      </section>,
    );
  }
  return (
    <div className="map-table" data-testid="map-table">
      <h2>The map as tables</h2>
      {sections.length > 0 ? sections : <p>No data layer is switched on.</p>}
    </div>
  );
}
