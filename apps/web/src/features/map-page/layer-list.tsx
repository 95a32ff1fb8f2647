import { type MapLayerId, type MapViewState, setOpacity } from '../../url-state/map-view-state.ts';

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

/** A layer's opacity, 0..1: the one in the link, else the layer's default. */
export function layerOpacity(view: MapViewState, id: MapLayerId): number {
  return (view.opacity[id] ?? DEFAULT_OPACITY[id] ?? 100) / 100;
}

export interface LayerListProps {
  /** The layers this role may switch on, in panel order. */
  readonly allowed: readonly MapLayerId[];
  readonly shown: readonly MapLayerId[];
  readonly view: MapViewState;
  /** The meeting screen keeps its opacities: no sliders. */
  readonly meeting: boolean;
  readonly boundariesFailed: boolean;
  readonly onToggle: (id: MapLayerId, checked: boolean) => void;
  readonly onChange: (next: MapViewState) => void;
}

/** The "Layers" section of the panel: a checkbox per layer and, when shown, its opacity. */
export function LayerList({
  allowed,
  shown,
  view,
  meeting,
  boundariesFailed,
  onToggle,
  onChange,
}: LayerListProps) {
  return (
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
                onChange={(e) => onToggle(id, e.currentTarget.checked)}
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
                  value={Math.round(layerOpacity(view, id) * 100)}
                  aria-valuetext={`${Math.round(layerOpacity(view, id) * 100)} %`}
                  onChange={(e) => onChange(setOpacity(view, id, Number(e.currentTarget.value)))}
                />
              </label>
            )}
          </li>
        ))}
      </ul>
      {boundariesFailed && (
        <p className="field-error" role="alert">
          Boundaries could not be loaded.
        </p>
      )}
    </details>
  );
}
