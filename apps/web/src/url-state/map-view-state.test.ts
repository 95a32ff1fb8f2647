import { describe, expect, it } from 'vitest';
import {
  chooseMethod,
  DEFAULT_MAP_VIEW_STATE,
  layersForRole,
  type MapViewState,
  NO_FILTERS,
  parseMapViewState,
  setFilter,
  setOpacity,
  setParameter,
  shownLayers,
  toggleLayer,
  withMapViewState,
} from './map-view-state.ts';

describe('parseMapViewState', () => {
  it('gives the default (fit the area, districts, hexagons and hotspots on) for an empty query', () => {
    expect(parseMapViewState('')).toEqual(DEFAULT_MAP_VIEW_STATE);
  });

  it('reads centre, zoom and layers', () => {
    expect(parseMapViewState('?v=1&c=52.38812,-2.25006&z=13&layers=wards,districts')).toEqual({
      ...DEFAULT_MAP_VIEW_STATE,
      center: { lat: 52.38812, lng: -2.25006 },
      zoom: 13,
      layers: ['districts', 'wards'],
    });
  });

  it('treats an empty layers list as "all off" and ignores unknown layer names', () => {
    expect(parseMapViewState('?layers=').layers).toEqual([]);
    expect(parseMapViewState('?layers=pointz,wards').layers).toEqual(['wards']);
  });

  it.each([
    ['?c=52.3&z=12'],
    ['?c=abc,def&z=12'],
    ['?c=95,-2&z=12'],
    ['?c=52,-200&z=12'],
    ['?c=52,-2&z=12.5'],
    ['?c=52,-2&z=40'],
    ['?c=52,-2'],
    ['?z=12'],
    ['?c=,&z=12'],
  ])('falls back to fitting the area for %s', (search) => {
    const state = parseMapViewState(search);
    expect(state.center).toBeNull();
    expect(state.zoom).toBeNull();
  });
});

describe('withMapViewState', () => {
  it('round-trips a view through the query string', () => {
    const state: MapViewState = {
      ...DEFAULT_MAP_VIEW_STATE,
      center: { lat: 52.123456, lng: -2.987654 },
      zoom: 14,
      layers: ['wards'],
    };
    const search = withMapViewState('', state);
    expect(search).toBe('?v=1&c=52.12346,-2.98765&z=14&layers=wards');
    expect(parseMapViewState(search)).toEqual({
      ...state,
      center: { lat: 52.12346, lng: -2.98765 },
    });
  });

  it('writes nothing for the default state', () => {
    expect(withMapViewState('', DEFAULT_MAP_VIEW_STATE)).toBe('');
  });

  it('keeps parameters it does not own and replaces its own', () => {
    const search = withMapViewState('?tab=x&c=1,1&z=5&from=2025-01-01', {
      ...DEFAULT_MAP_VIEW_STATE,
      center: { lat: 52.4, lng: -2.2 },
      zoom: 11,
    });
    const params = new URLSearchParams(search);
    expect(params.get('tab')).toBe('x');
    expect(params.has('from')).toBe(false);
    expect(params.get('c')).toBe('52.40000,-2.20000');
    expect(params.get('z')).toBe('11');
    expect(params.has('layers')).toBe(false);
  });

  it('records that every layer was switched off', () => {
    const search = withMapViewState('', { ...DEFAULT_MAP_VIEW_STATE, layers: [] });
    expect(search).toBe('?v=1&layers=');
    expect(parseMapViewState(search).layers).toEqual([]);
  });
});

describe('toggleLayer', () => {
  it('adds in canonical order and removes', () => {
    const withWards = toggleLayer(DEFAULT_MAP_VIEW_STATE, 'wards', true);
    expect(withWards.layers).toEqual(['districts', 'wards', 'hexagons', 'gistar', 'hotspots']);
    expect(toggleLayer(withWards, 'districts', false).layers).toEqual([
      'wards',
      'hexagons',
      'gistar',
      'hotspots',
    ]);
  });

  it('keeps one analysis layer: switching one on switches the others off', () => {
    expect(toggleLayer(DEFAULT_MAP_VIEW_STATE, 'clusters', true).layers).toEqual([
      'districts',
      'hexagons',
      'clusters',
      'hotspots',
    ]);
  });

  it('remembers that the default analysis layer was switched off', () => {
    const off = toggleLayer(DEFAULT_MAP_VIEW_STATE, 'gistar', false);
    const search = withMapViewState('', off);
    expect(search).toBe('?v=1&layers=districts,hexagons,hotspots');
    expect(shownLayers(parseMapViewState(search), 'analyst', true)).not.toContain('gistar');
  });
});

describe('shownLayers', () => {
  it("shows an analyst the default method's layer with nothing in the link", () => {
    expect(shownLayers(parseMapViewState(''), 'analyst', false)).toEqual([
      'districts',
      'hexagons',
      'gistar',
      'hotspots',
    ]);
  });

  it("draws only the chosen method's layer from a link naming several", () => {
    const view = parseMapViewState('?layers=hexagons,gistar,density,clusters&m=dbscan');
    expect(shownLayers(view, 'analyst', true)).toEqual(['hexagons', 'clusters']);
    // A chair's methods are the published ones: clusters are not theirs to draw.
    const chairs = parseMapViewState('?layers=hexagons,gistar,density,clusters&m=density');
    expect(shownLayers(chairs, 'chair', true)).toEqual(['hexagons', 'density']);
  });

  it('gives a viewer no analysis by default and the first one a link names', () => {
    expect(shownLayers(parseMapViewState(''), 'viewer', false)).toEqual([
      'districts',
      'hexagons',
      'hotspots',
    ]);
    const view = parseMapViewState('?layers=districts,gistar,density');
    expect(shownLayers(view, 'viewer', true)).toEqual(['districts', 'density']);
  });
});

describe('the month shown within the period', () => {
  it('round-trips and drops a malformed month', () => {
    const search = withMapViewState('', {
      ...DEFAULT_MAP_VIEW_STATE,
      from: '2024-01-01',
      to: '2024-12-31',
      month: '2024-03',
    });
    expect(search).toBe('?v=1&from=2024-01-01&to=2024-12-31&month=2024-03');
    expect(parseMapViewState(search).month).toBe('2024-03');
    expect(parseMapViewState('?month=2024-13').month).toBeNull();
  });
});

describe('filters, period, method and opacity in the URL', () => {
  const state: MapViewState = {
    ...DEFAULT_MAP_VIEW_STATE,
    layers: ['districts', 'gistar', 'points'],
    from: '2026-01-01',
    to: '2026-03-31',
    filters: {
      ...NO_FILTERS,
      category: ['drugs', 'adults-with-children'],
      sourceAgency: ['WMP'],
      intelligenceGrade: ['B', 'A'],
    },
    method: 'dbscan',
    parameters: { epsMeters: 150, minPoints: 4 },
    opacity: { gistar: 60 },
  };

  it('round-trips, sorted, with the version', () => {
    const search = withMapViewState('', state);
    expect(search).toBe(
      '?v=1&layers=districts,gistar,points&from=2026-01-01&to=2026-03-31' +
        '&category=adults-with-children,drugs&sourceAgency=WMP&intelligenceGrade=A,B' +
        '&m=dbscan&epsMeters=150&minPoints=4&op=gistar:60',
    );
    expect(parseMapViewState(search)).toEqual({
      ...state,
      filters: {
        ...state.filters,
        category: ['adults-with-children', 'drugs'],
        intelligenceGrade: ['A', 'B'],
      },
    });
  });

  it('drops malformed values instead of failing', () => {
    const parsed = parseMapViewState(
      '?from=2026-02-30&to=2026-13-01&category=DROP,ok-code&sourceGrade=4,1&m=magic' +
        '&epsMeters=-5&minPoints=2.5&sizeMeters=500&op=gistar:150,hexagons:40,nope:3',
    );
    expect(parsed.from).toBeNull();
    expect(parsed.to).toBeNull();
    expect(parsed.filters.category).toEqual(['ok-code']);
    expect(parsed.filters.sourceGrade).toEqual(['1']);
    expect(parsed.method).toBe('gistar');
    expect(parsed.parameters).toEqual({ sizeMeters: 500 });
    expect(parsed.opacity).toEqual({ hexagons: 40 });
  });

  it('ignores a reversed period', () => {
    const parsed = parseMapViewState('?from=2026-05-01&to=2026-04-01');
    expect([parsed.from, parsed.to]).toEqual([null, null]);
  });

  it('choosing a method shows its layer; parameters can be cleared back to the default', () => {
    const chosen = chooseMethod(DEFAULT_MAP_VIEW_STATE, 'density');
    expect(chosen.method).toBe('density');
    expect(chosen.layers).toContain('density');
    const set = setParameter(chosen, 'bandwidthMeters', 800);
    expect(set.parameters).toEqual({ bandwidthMeters: 800 });
    expect(setParameter(set, 'bandwidthMeters', undefined).parameters).toEqual({});
    expect(
      setFilter(set, 'placeType', ['takeaway', 'hotel-bnb', 'takeaway']).filters.placeType,
    ).toEqual(['hotel-bnb', 'takeaway']);
    expect(setOpacity(set, 'density', 130).opacity).toEqual({ density: 100 });
  });

  it('offers points to analysts only and partners only hotspots and actions', () => {
    expect(layersForRole('analyst')).toContain('points');
    for (const role of ['chair', 'viewer', 'partner', 'admin']) {
      expect(layersForRole(role)).not.toContain('points');
    }
    expect(layersForRole('partner')).toEqual(['districts', 'wards', 'hotspots', 'actions']);
    expect(layersForRole('admin')).toEqual([]);
  });

  it('offers free analysis (clusters, emerging trends) to analysts only', () => {
    expect(layersForRole('analyst')).toEqual(expect.arrayContaining(['clusters', 'emerging']));
    for (const role of ['chair', 'viewer']) {
      expect(layersForRole(role)).not.toContain('clusters');
      expect(layersForRole(role)).not.toContain('emerging');
      expect(layersForRole(role)).toEqual(
        expect.arrayContaining(['hexagons', 'gistar', 'density']),
      );
    }
  });
});
