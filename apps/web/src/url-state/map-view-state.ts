/**
 * The map's view state lives in the query string so a view can be shared, bookmarked and
 * reopened: `?v=1&c=52.38120,-2.24810&z=12&layers=districts,wards`. Parsing never throws;
 * anything malformed falls back to the default. `v` lets later versions migrate old links.
 */

export const MAP_VIEW_STATE_VERSION = 1;

export const MAP_LAYER_IDS = ['districts', 'wards'] as const;
export type MapLayerId = (typeof MAP_LAYER_IDS)[number];

export const DEFAULT_LAYERS: readonly MapLayerId[] = ['districts'];

export const MIN_ZOOM = 3;
export const MAX_ZOOM = 19;

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

export interface MapViewState {
  /** null: fit the partnership area. */
  readonly center: LatLng | null;
  readonly zoom: number | null;
  readonly layers: readonly MapLayerId[];
}

export const DEFAULT_MAP_VIEW_STATE: MapViewState = {
  center: null,
  zoom: null,
  layers: DEFAULT_LAYERS,
};

const KEYS = ['v', 'c', 'z', 'layers'] as const;

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

export function parseMapViewState(search: string): MapViewState {
  const params = new URLSearchParams(search);
  const center = parseCenter(params.get('c'));
  const zoom = parseZoom(params.get('z'));
  return {
    // A centre without a zoom (or the reverse) cannot place the map: fit the area instead.
    center: center && zoom !== null ? center : null,
    zoom: center && zoom !== null ? zoom : null,
    layers: parseLayers(params.get('layers')),
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
 * Writes the state into `search`, keeping any other parameters (filters added later), and
 * returns the new query string with its "?" (or "" when empty). Defaults are omitted.
 */
export function withMapViewState(search: string, state: MapViewState): string {
  const params = new URLSearchParams(search);
  for (const key of KEYS) params.delete(key);
  const layers = MAP_LAYER_IDS.filter((id) => state.layers.includes(id));
  const hasView = state.center !== null && state.zoom !== null;
  const hasLayers = !sameLayers(layers, DEFAULT_LAYERS);
  if (hasView || hasLayers) params.set('v', String(MAP_VIEW_STATE_VERSION));
  if (state.center && state.zoom !== null) {
    params.set('c', `${formatCoordinate(state.center.lat)},${formatCoordinate(state.center.lng)}`);
    params.set('z', String(Math.round(state.zoom)));
  }
  if (hasLayers) params.set('layers', layers.join(','));
  const query = params.toString().replaceAll('%2C', ',');
  return query ? `?${query}` : '';
}

export function toggleLayer(state: MapViewState, id: MapLayerId, on: boolean): MapViewState {
  const layers = on
    ? MAP_LAYER_IDS.filter((l) => l === id || state.layers.includes(l))
    : state.layers.filter((l) => l !== id);
  return { ...state, layers };
}
