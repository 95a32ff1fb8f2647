import type { SavedView } from '@hotspot/contracts';
import { parseMapViewState, withMapViewState } from '../../url-state/map-view-state.ts';

/**
 * The map's URL state for a saved view: written as the map's own query parameters and read
 * back through its parser, so anything the map does not know is dropped exactly as a
 * hand-edited link would be.
 */
export function savedViewToSearch(view: Pick<SavedView, 'config'>): string {
  const { center, zoom, layers, filters } = view.config;
  const params = new URLSearchParams({
    v: '1',
    c: `${center[1]},${center[0]}`,
    z: String(zoom),
    layers: layers.join(','),
  });
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return withMapViewState('', parseMapViewState(`?${params.toString()}`));
}
