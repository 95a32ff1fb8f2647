import { describe, expect, it } from 'vitest';
import { parseMapViewState } from '../../url-state/map-view-state.ts';
import { savedViewToSearch } from './saved-view.ts';

describe('a saved view as map URL state', () => {
  it('carries the viewport, layers and filters, and drops what the map does not know', () => {
    const search = savedViewToSearch({
      config: {
        v: 1,
        center: [-2.2458, 52.3881],
        zoom: 15,
        layers: ['districts', 'hotspots', 'no-such-layer'],
        filters: { from: '2025-01-01', to: '2025-03-31', category: ['concern-premises'] },
      },
    });
    const state = parseMapViewState(search);
    expect(state.center).toEqual({ lat: 52.3881, lng: -2.2458 });
    expect(state.zoom).toBe(15);
    expect(state.layers).toEqual(['districts', 'hotspots']);
    expect(state.from).toBe('2025-01-01');
    expect(state.to).toBe('2025-03-31');
    expect(state.filters.category).toEqual(['concern-premises']);
  });
});
