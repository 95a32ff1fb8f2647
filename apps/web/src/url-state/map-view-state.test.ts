import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAP_VIEW_STATE,
  type MapViewState,
  parseMapViewState,
  toggleLayer,
  withMapViewState,
} from './map-view-state.ts';

describe('parseMapViewState', () => {
  it('gives the default (fit the area, districts on) for an empty query', () => {
    expect(parseMapViewState('')).toEqual(DEFAULT_MAP_VIEW_STATE);
  });

  it('reads centre, zoom and layers', () => {
    expect(parseMapViewState('?v=1&c=52.38812,-2.25006&z=13&layers=wards,districts')).toEqual({
      center: { lat: 52.38812, lng: -2.25006 },
      zoom: 13,
      layers: ['districts', 'wards'],
    });
  });

  it('treats an empty layers list as "all off" and ignores unknown layer names', () => {
    expect(parseMapViewState('?layers=').layers).toEqual([]);
    expect(parseMapViewState('?layers=points,wards').layers).toEqual(['wards']);
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
    const search = withMapViewState('?from=2025-01-01&c=1,1&z=5', {
      center: { lat: 52.4, lng: -2.2 },
      zoom: 11,
      layers: ['districts'],
    });
    const params = new URLSearchParams(search);
    expect(params.get('from')).toBe('2025-01-01');
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
    expect(withWards.layers).toEqual(['districts', 'wards']);
    expect(toggleLayer(withWards, 'districts', false).layers).toEqual(['wards']);
  });
});
