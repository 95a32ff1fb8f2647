import type { Role } from '@hotspot/contracts';
import type { MultiPolygon, Polygon } from 'geojson';
import { type FormEvent, useState } from 'react';
import { isApiProblem } from '../../api/api-problem.ts';
import { HOTSPOT_STATUS_STYLES, type HotspotStatus } from '../../map/layer-styles.ts';
import { Link } from '../../routing/router.tsx';
import { describeError, FormError } from '../../ui/notices.tsx';
import type { MapFilters } from '../../url-state/map-view-state.ts';
import { formatDate, type Period } from '../../url-state/period.ts';
import { riskLabel } from '../hotspots/hotspot-view.ts';
import { useHotspot } from '../hotspots/hotspots-api.ts';
import { mayVisit } from '../nav/navigation.ts';
import {
  type AreaSummary,
  type BreakdownRow,
  type NewHotspot,
  type SummaryTarget,
  useAreaSummary,
  useCreateHotspot,
} from './hotspot-api.ts';
import { HotspotEditor } from './hotspot-editor.tsx';
import { formatShownCount, type LayerFeature, toShownCount } from './layer-api.ts';
import { MonthChart } from './month-chart.tsx';
import { labelFor, useTaxonomy } from './taxonomy-api.ts';

export type MapSelection =
  | {
      readonly kind: 'cells';
      readonly cellIds: readonly string[];
      readonly sizeMeters: number;
      readonly outline: Polygon | null;
      readonly parameters: Readonly<Record<string, number | string | boolean | null>>;
    }
  | {
      readonly kind: 'cluster';
      readonly clusterId: number;
      readonly epsMeters: number;
      readonly minPoints: number;
      readonly geometry: Polygon | MultiPolygon | null;
    }
  | { readonly kind: 'band'; readonly band: number; readonly area: Polygon }
  | { readonly kind: 'drawn'; readonly area: Polygon }
  | { readonly kind: 'district'; readonly code: string; readonly name: string }
  | { readonly kind: 'hotspot'; readonly id: string };

function describeSelection(s: MapSelection): string {
  switch (s.kind) {
    case 'cells':
      return `${s.cellIds.length} hot ${s.cellIds.length === 1 ? 'hexagon' : 'hexagons'}`;
    case 'cluster':
      return `Cluster ${s.clusterId + 1}`;
    case 'band':
      return `Density band ${s.band + 1}`;
    case 'drawn':
      return 'Drawn area';
    case 'district':
      return s.name;
    case 'hotspot':
      return 'Hotspot';
  }
}

function summaryTarget(s: MapSelection): SummaryTarget | null {
  switch (s.kind) {
    case 'cells':
      return s.outline ? { area: s.outline } : null;
    case 'cluster':
      return {
        cluster: { epsMeters: s.epsMeters, minPoints: s.minPoints, clusterId: s.clusterId },
      };
    case 'band':
    case 'drawn':
      return { area: s.area };
    // A district is a published geography of its own: its figures are its published values.
    case 'district':
      return { district: s.code };
    case 'hotspot':
      return null;
  }
}

function Breakdown({
  title,
  rows,
  label,
}: {
  readonly title: string;
  readonly rows: readonly BreakdownRow[];
  readonly label: (code: string) => string;
}) {
  if (rows.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <table className="table table--compact">
        <tbody>
          {rows.slice(0, 5).map((r) => (
            <tr key={r.value}>
              <th scope="row">{label(r.value)}</th>
              <td>{formatShownCount(r.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function SummaryView({ summary }: { readonly summary: AreaSummary }) {
  const taxonomy = useTaxonomy();
  return (
    <div className="summary" data-testid="area-summary">
      <p className="summary__count">
        <strong data-testid="summary-reports">{formatShownCount(summary.reports)}</strong> reports
        in the period
      </p>
      <MonthChart months={summary.months} />
      <Breakdown
        title="Top categories"
        rows={summary.categories}
        label={(c) => labelFor(taxonomy.data?.categories, c)}
      />
      <Breakdown
        title="Top place types"
        rows={summary.placeTypes}
        label={(c) => labelFor(taxonomy.data?.placeTypes, c)}
      />
      <Breakdown
        title="Source agencies"
        rows={summary.agencies}
        label={(c) => labelFor(taxonomy.data?.agencies, c)}
      />
    </div>
  );
}

function newHotspotFor(
  s: MapSelection,
  name: string,
  period: Period,
  filters: MapFilters,
  role: string,
): NewHotspot | null {
  switch (s.kind) {
    case 'cells':
      return {
        source: 'gistar',
        name,
        cellIds: s.cellIds,
        sizeMeters: s.sizeMeters,
        period,
        parameters: s.parameters,
      };
    case 'cluster':
      if (role === 'analyst') {
        return {
          source: 'dbscan',
          name,
          parameters: { epsMeters: s.epsMeters, minPoints: s.minPoints },
          period,
          filters,
          clusterId: s.clusterId,
        };
      }
      // Chairs see the cluster as a generalised area: that area becomes the hotspot.
      return s.geometry && s.geometry.type === 'Polygon'
        ? { source: 'drawn', name, area: s.geometry, period }
        : null;
    case 'band':
    case 'drawn':
      return { source: 'drawn', name, area: s.area, period };
    // A whole district is context for the meeting, not a place to respond to.
    case 'district':
    case 'hotspot':
      return null;
  }
}

function CreateHotspotForm({
  selection,
  period,
  filters,
  role,
  onCreated,
}: {
  readonly selection: MapSelection;
  readonly period: Period;
  readonly filters: MapFilters;
  readonly role: string;
  readonly onCreated: (id: string) => void;
}) {
  const [name, setName] = useState('');
  const create = useCreateHotspot();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = newHotspotFor(selection, name.trim(), period, filters, role);
    if (!body || name.trim() === '') return;
    create.mutate(body, { onSuccess: (h) => onCreated(h.id) });
  };
  const nameError = isApiProblem(create.error) ? create.error.fieldError('name') : undefined;
  return (
    <form className="create-hotspot" onSubmit={submit}>
      <h4>Propose a hotspot from this selection</h4>
      <FormError error={create.error} />
      <div className={`field field--compact ${nameError ? 'field--error' : ''}`}>
        <label htmlFor="new-hotspot-name">Hotspot name</label>
        {nameError && <p className="field-error">{nameError}</p>}
        <input
          id="new-hotspot-name"
          value={name}
          required
          maxLength={200}
          onChange={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <button
        type="submit"
        className="button button--primary button--small"
        disabled={create.isPending || name.trim() === ''}
      >
        {create.isPending ? 'Creating…' : 'Create hotspot'}
      </button>
    </form>
  );
}

/** Read-only facts about a hotspot from the map layer (what every role may see). */
function HotspotFacts({ feature }: { readonly feature: LayerFeature | undefined }) {
  if (!feature) return null;
  const p = feature.properties;
  const reports = toShownCount(p.reports);
  const status = String(p.status ?? '');
  return (
    <dl className="facts">
      <dt>Name</dt>
      <dd>{String(p.name ?? '')}</dd>
      <dt>Status</dt>
      <dd>{HOTSPOT_STATUS_STYLES[status as HotspotStatus]?.label ?? status}</dd>
      {p.risk ? (
        <>
          <dt>Risk</dt>
          <dd>{riskLabel(String(p.risk))}</dd>
        </>
      ) : null}
      {p.reviewOn ? (
        <>
          <dt>Review</dt>
          <dd>{formatDate(String(p.reviewOn))}</dd>
        </>
      ) : null}
      {reports && (
        <>
          <dt>Reports in the period</dt>
          <dd>{formatShownCount(reports)}</dd>
        </>
      )}
      <dt>Open actions</dt>
      <dd>{String(p.openActions ?? 0)}</dd>
    </dl>
  );
}

export interface HotspotPanelProps {
  readonly selection: MapSelection;
  /** The selected hotspot as the map layer has it (disclosed counts, open actions). */
  readonly hotspotFeature: LayerFeature | undefined;
  readonly period: Period;
  readonly filters: MapFilters;
  readonly role: Role;
  readonly onClear: () => void;
  readonly onCreated: (id: string) => void;
}

/** Statistics for what is selected on the map, and creating or editing a hotspot from it. */
export function HotspotPanel({
  selection,
  hotspotFeature,
  period,
  filters,
  role,
  onClear,
  onCreated,
}: HotspotPanelProps) {
  const canAnalyse = role === 'analyst' || role === 'chair';
  const target = canAnalyse ? summaryTarget(selection) : null;
  const summary = useAreaSummary(target, period, filters, role !== 'analyst');
  const detail = useHotspot(selection.kind === 'hotspot' ? selection.id : null);
  const title =
    selection.kind === 'hotspot'
      ? (detail.data?.name ?? String(hotspotFeature?.properties.name ?? 'Hotspot'))
      : describeSelection(selection);
  return (
    <section
      className="hotspot-panel"
      aria-labelledby="selection-heading"
      data-testid="hotspot-panel"
    >
      <div className="panel-heading">
        <h3 id="selection-heading">{title}</h3>
        <button type="button" className="button button--small" onClick={onClear}>
          Clear selection
        </button>
      </div>
      {selection.kind === 'hotspot' ? (
        <>
          <HotspotFacts feature={hotspotFeature} />
          {mayVisit(role, `/hotspots/${selection.id}`) && (
            <p>
              <Link href={`/hotspots/${selection.id}`}>Open the hotspot's page</Link>
            </p>
          )}
          {canAnalyse && <HotspotEditor id={selection.id} />}
        </>
      ) : (
        <>
          {summary.isPending && target && <p role="status">Counting the reports…</p>}
          {summary.isError && <p className="field-error">{describeError(summary.error)}</p>}
          {summary.data && <SummaryView summary={summary.data} />}
          {canAnalyse && (
            <CreateHotspotForm
              selection={selection}
              period={period}
              filters={filters}
              role={role}
              onCreated={onCreated}
            />
          )}
        </>
      )}
    </section>
  );
}
