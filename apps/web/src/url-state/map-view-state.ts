/**
 * The map's view state lives in the query string so a view can be shared, bookmarked and
 * reopened, e.g.
 * `?v=1&c=52.38120,-2.24810&z=12&layers=districts,hexagons&from=2026-01-01&to=2026-03-31
 *  &category=drugs&m=gistar&sizeMeters=500&op=hexagons:60`.
 * Parsing never throws; anything malformed falls back to the default. `v` lets later versions
 * migrate old links: every key added since v1 is optional and defaults to what a v1 link
 * meant, so v1 links still read the same and the version has not changed.
 */

export const MAP_VIEW_STATE_VERSION = 1;

/** Canonical (drawing and serialising) order, bottom to top. */
export const MAP_LAYER_IDS = [
  'districts',
  'wards',
  'hexagons',
  'density',
  'gistar',
  'emerging',
  'clusters',
  'hotspots',
  'actions',
  'points',
] as const;
export type MapLayerId = (typeof MAP_LAYER_IDS)[number];

/**
 * The layers a link without `layers` shows: the default method's analysis (Gi*) is among them,
 * so those who analyse see the method they are offered. Roles without the method control do
 * not get it by default (see `shownLayers`).
 */
export const DEFAULT_LAYERS: readonly MapLayerId[] = [
  'districts',
  'hexagons',
  'gistar',
  'hotspots',
];

export const MIN_ZOOM = 3;
export const MAX_ZOOM = 19;

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

/** The record filters every layer and analysis takes (API names, codes as the API wants them). */
export const FILTER_KEYS = [
  'category',
  'placeType',
  'sourceAgency',
  'sourceGrade',
  'intelligenceGrade',
  'handlingCode',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type MapFilters = Readonly<Record<FilterKey, readonly string[]>>;

const FILTER_PATTERNS: Readonly<Record<FilterKey, RegExp>> = {
  category: /^[a-z0-9]+(-[a-z0-9]+)*$/,
  placeType: /^[a-z0-9]+(-[a-z0-9]+)*$/,
  sourceAgency: /^[A-Z0-9][A-Z0-9-]{0,15}$/,
  sourceGrade: /^[123]$/,
  intelligenceGrade: /^[A-E]$/,
  handlingCode: /^[PC]$/,
};

export const NO_FILTERS: MapFilters = {
  category: [],
  placeType: [],
  sourceAgency: [],
  sourceGrade: [],
  intelligenceGrade: [],
  handlingCode: [],
};

export const ANALYSIS_METHODS = ['gistar', 'dbscan', 'density', 'emerging'] as const;
export type AnalysisMethod = (typeof ANALYSIS_METHODS)[number];

/** The layer each analysis method draws. */
export const METHOD_LAYER: Readonly<Record<AnalysisMethod, MapLayerId>> = {
  gistar: 'gistar',
  dbscan: 'clusters',
  density: 'density',
  emerging: 'emerging',
};

/** Layers that draw an analysis result: only one is shown at a time (they would pile up). */
export const ANALYSIS_LAYERS: readonly MapLayerId[] = ['gistar', 'density', 'clusters', 'emerging'];

export function isAnalysisLayer(id: MapLayerId): boolean {
  return ANALYSIS_LAYERS.includes(id);
}

/** The method whose result an analysis layer draws (the inverse of METHOD_LAYER). */
export function methodOfLayer(id: MapLayerId): AnalysisMethod | undefined {
  return ANALYSIS_METHODS.find((m) => METHOD_LAYER[m] === id);
}

/** Method parameters with the API's ranges; absent means "the server's default". */
export const PARAMETER_RANGES = {
  sizeMeters: { min: 25, max: 5000, integer: false },
  distanceMeters: { min: 1, max: 50_000, integer: false },
  epsMeters: { min: 1, max: 5000, integer: false },
  minPoints: { min: 2, max: 1000, integer: true },
  bandwidthMeters: { min: 10, max: 20_000, integer: false },
} as const;
export type ParameterName = keyof typeof PARAMETER_RANGES;
export const PARAMETER_NAMES = Object.keys(PARAMETER_RANGES) as ParameterName[];
export type AnalysisParameters = Readonly<Partial<Record<ParameterName, number>>>;

/** Layers whose opacity can be set, in percent. */
export type LayerOpacity = Readonly<Partial<Record<MapLayerId, number>>>;

export interface MapViewState {
  /** null: fit the partnership area. */
  readonly center: LatLng | null;
  readonly zoom: number | null;
  readonly layers: readonly MapLayerId[];
  /** Inclusive ISO dates; null: the default period (see period.ts). */
  readonly from: string | null;
  readonly to: string | null;
  readonly filters: MapFilters;
  readonly method: AnalysisMethod;
  readonly parameters: AnalysisParameters;
  readonly opacity: LayerOpacity;
  /**
   * One month (YYYY-MM) of the period shown on its own by the time slider or Play; null: the
   * whole period. From/To keep the chosen period while months are stepped through.
   */
  readonly month: string | null;
}

export const DEFAULT_MAP_VIEW_STATE: MapViewState = {
  center: null,
  zoom: null,
  layers: DEFAULT_LAYERS,
  from: null,
  to: null,
  filters: NO_FILTERS,
  method: 'gistar',
  parameters: {},
  opacity: {},
  month: null,
};

const KEYS = [
  'v',
  'c',
  'z',
  'layers',
  'from',
  'to',
  'm',
  'op',
  'month',
  ...FILTER_KEYS,
  ...PARAMETER_NAMES,
] as const;

function parseCenter(value: string | null): LatLng | null {
  if (!value) return null;
  const parts = value.split(',');
  if (parts.length !== 2) return null;
  const [lat, lng] = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (lat === undefined || lng === undefined) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
  return { lat, lng };
}

function parseZoom(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const zoom = Number(value);
  if (!Number.isInteger(zoom) || zoom < MIN_ZOOM || zoom > MAX_ZOOM) return null;
  return zoom;
}

function parseLayers(value: string | null): readonly MapLayerId[] {
  if (value === null) return DEFAULT_LAYERS;
  if (value === '') return [];
  const wanted = new Set(value.split(','));
  // Canonical order, so equal states serialise equally.
  return MAP_LAYER_IDS.filter((id) => wanted.has(id));
}

/** A real calendar date written as YYYY-MM-DD, or null. */
export function parseIsoDate(value: string | null): string | null {
  if (value === null || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : value;
}

function parseFilters(params: URLSearchParams): MapFilters {
  const entries = FILTER_KEYS.map((key) => {
    const raw = params.get(key);
    const values = raw
      ? [...new Set(raw.split(','))].filter((v) => FILTER_PATTERNS[key].test(v)).sort()
      : [];
    return [key, values] as const;
  });
  return Object.fromEntries(entries) as unknown as MapFilters;
}

function parseParameters(params: URLSearchParams): AnalysisParameters {
  const out: Partial<Record<ParameterName, number>> = {};
  for (const name of PARAMETER_NAMES) {
    const raw = params.get(name);
    if (raw === null || raw.trim() === '') continue;
    const value = Number(raw);
    const range = PARAMETER_RANGES[name];
    if (!Number.isFinite(value) || value < range.min || value > range.max) continue;
    if (range.integer && !Number.isInteger(value)) continue;
    out[name] = value;
  }
  return out;
}

function parseOpacity(value: string | null): LayerOpacity {
  const out: Partial<Record<MapLayerId, number>> = {};
  for (const part of (value ?? '').split(',')) {
    const [id, pct] = part.split(':');
    const n = Number(pct);
    if ((MAP_LAYER_IDS as readonly string[]).includes(id ?? '') && Number.isInteger(n)) {
      if (n >= 0 && n <= 100) out[id as MapLayerId] = n;
    }
  }
  return out;
}

export function parseMapViewState(search: string): MapViewState {
  const params = new URLSearchParams(search);
  const center = parseCenter(params.get('c'));
  const zoom = parseZoom(params.get('z'));
  let from = parseIsoDate(params.get('from'));
  let to = parseIsoDate(params.get('to'));
  // A reversed period is a typo more often than a wish for nothing: drop it.
  if (from && to && from > to) {
    from = null;
    to = null;
  }
  const m = params.get('m');
  return {
    // A centre without a zoom (or the reverse) cannot place the map: fit the area instead.
    center: center && zoom !== null ? center : null,
    zoom: center && zoom !== null ? zoom : null,
    layers: parseLayers(params.get('layers')),
    from,
    to,
    filters: parseFilters(params),
    method: (ANALYSIS_METHODS as readonly string[]).includes(m ?? '')
      ? (m as AnalysisMethod)
      : DEFAULT_MAP_VIEW_STATE.method,
    parameters: parseParameters(params),
    opacity: parseOpacity(params.get('op')),
    month: /^\d{4}-(0[1-9]|1[0-2])$/.test(params.get('month') ?? '') ? params.get('month') : null,
  };
}

/** 5 decimal places of a degree is about a metre: enough for a view, short in a link. */
function formatCoordinate(value: number): string {
  return value.toFixed(5);
}

function sameLayers(a: readonly MapLayerId[], b: readonly MapLayerId[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}

/**
 * Writes the state into `search`, keeping any other parameters, and returns the new query
 * string with its "?" (or "" when empty). Defaults are omitted.
 */
export function withMapViewState(search: string, state: MapViewState): string {
  const params = new URLSearchParams(search);
  for (const key of KEYS) params.delete(key);
  const layers = MAP_LAYER_IDS.filter((id) => state.layers.includes(id));
  const hasView = state.center !== null && state.zoom !== null;
  if (state.center && state.zoom !== null) {
    params.set('c', `${formatCoordinate(state.center.lat)},${formatCoordinate(state.center.lng)}`);
    params.set('z', String(Math.round(state.zoom)));
  }
  if (!sameLayers(layers, DEFAULT_LAYERS)) params.set('layers', layers.join(','));
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.month) params.set('month', state.month);
  for (const key of FILTER_KEYS) {
    const values = [...new Set(state.filters[key])].sort();
    if (values.length > 0) params.set(key, values.join(','));
  }
  if (state.method !== DEFAULT_MAP_VIEW_STATE.method) params.set('m', state.method);
  for (const name of PARAMETER_NAMES) {
    const value = state.parameters[name];
    if (value !== undefined) params.set(name, String(value));
  }
  const opacity = MAP_LAYER_IDS.flatMap((id) =>
    state.opacity[id] === undefined ? [] : [`${id}:${Math.round(state.opacity[id] ?? 0)}`],
  );
  if (opacity.length > 0) params.set('op', opacity.join(','));
  const owned = [...params.keys()].some((k) => (KEYS as readonly string[]).includes(k));
  if (hasView || owned) params.set('v', String(MAP_VIEW_STATE_VERSION));
  // `v` first, the rest in a stable order, so links read the same every time.
  const ordered = new URLSearchParams();
  if (params.has('v')) ordered.set('v', params.get('v') ?? '');
  for (const [k, v] of params) if (k !== 'v') ordered.append(k, v);
  const query = ordered.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
  return query ? `?${query}` : '';
}

/** Switches a layer; switching an analysis layer on switches any other analysis layer off. */
export function toggleLayer(state: MapViewState, id: MapLayerId, on: boolean): MapViewState {
  const layers = on
    ? MAP_LAYER_IDS.filter(
        (l) =>
          l === id || (state.layers.includes(l) && !(isAnalysisLayer(id) && isAnalysisLayer(l))),
      )
    : state.layers.filter((l) => l !== id);
  return { ...state, layers };
}

/**
 * Switching method shows its layer instead of the previous method's (a method you tune but
 * cannot see would confuse; two analyses drawn at once cannot be read).
 */
export function chooseMethod(state: MapViewState, method: AnalysisMethod): MapViewState {
  return toggleLayer({ ...state, method }, METHOD_LAYER[method], true);
}

/**
 * The layers drawn for a role: those it may see, with at most one analysis layer. Those who
 * choose a method see that method's layer only; the others (viewers) see the first one their
 * link names, and none from the default (`layersInLink` false), since they have no method.
 */
export function shownLayers(
  state: MapViewState,
  role: string,
  layersInLink: boolean,
): readonly MapLayerId[] {
  const allowed = layersForRole(role);
  const choosesMethod = role === 'analyst' || role === 'chair';
  const layers = state.layers.filter(
    (id) => allowed.includes(id) && (choosesMethod || layersInLink || !isAnalysisLayer(id)),
  );
  const analysis = choosesMethod ? METHOD_LAYER[state.method] : layers.find(isAnalysisLayer);
  return layers.filter((id) => !isAnalysisLayer(id) || id === analysis);
}

export function setFilter(state: MapViewState, key: FilterKey, values: readonly string[]) {
  return { ...state, filters: { ...state.filters, [key]: [...new Set(values)].sort() } };
}

export function setParameter(
  state: MapViewState,
  name: ParameterName,
  value: number | undefined,
): MapViewState {
  const parameters: Partial<Record<ParameterName, number>> = { ...state.parameters };
  if (value === undefined) delete parameters[name];
  else parameters[name] = value;
  return { ...state, parameters };
}

export function setOpacity(state: MapViewState, id: MapLayerId, percent: number): MapViewState {
  return { ...state, opacity: { ...state.opacity, [id]: Math.max(0, Math.min(100, percent)) } };
}

/** The layers a role may switch on (DESIGN.md section 5; the API enforces it as well). */
export function layersForRole(role: string): readonly MapLayerId[] {
  switch (role) {
    case 'analyst':
      return MAP_LAYER_IDS;
    case 'chair':
    case 'viewer':
      // Free analysis (clusters, emerging trends) is record-level, for analysts only; chairs and
      // viewers see hexagons, Gi* and density from the published table.
      return MAP_LAYER_IDS.filter(
        (id) => id !== 'points' && id !== 'clusters' && id !== 'emerging',
      );
    case 'partner':
      return ['districts', 'wards', 'hotspots', 'actions'];
    default:
      return [];
  }
}
