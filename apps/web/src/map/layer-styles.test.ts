import { describe, expect, it } from 'vitest';
import {
  COUNT_PALETTE,
  countClass,
  countClassBounds,
  countClassLabels,
  countColour,
  densityPalette,
  EMERGING_STYLES,
  GISTAR_COLOURS,
  HOTSPOT_STATUS_STYLES,
  legendFor,
  publishedNote,
} from './layer-styles.ts';

describe('hexagon count classes', () => {
  it('uses nice 1-2-5 bounds, at most five classes, and classifies counts', () => {
    expect(countClassBounds(1)).toEqual([1]);
    expect(countClassBounds(7)).toEqual([1, 2, 5]);
    expect(countClassBounds(60)).toEqual([1, 2, 10, 20, 50]);
    expect(countClassBounds(60)).toHaveLength(5);
    const bounds = countClassBounds(300);
    expect(bounds.length).toBeLessThanOrEqual(COUNT_PALETTE.length);
    expect(bounds[0]).toBe(1);
    // Disclosed counts start at 5 (k = 3 rounded to 5): no class below that is offered.
    expect(countClassBounds(60, 5)).toEqual([5, 10, 20, 50]);
    expect(countClassLabels(countClassBounds(60, 5))).toEqual([
      '5–9',
      '10–19',
      '20–49',
      '50 or more',
    ]);
    expect(countClassBounds(3, 5)).toEqual([5]);
    expect(countClass(1, [1, 5, 10])).toBe(0);
    expect(countClass(9, [1, 5, 10])).toBe(1);
    expect(countClass(1000, [1, 5, 10])).toBe(2);
  });

  it('labels classes as ranges and the last as "or more"', () => {
    expect(countClassLabels([1, 2, 5, 10])).toEqual(['1', '2–4', '5–9', '10 or more']);
  });

  it('spreads few classes over the palette ends', () => {
    expect(countColour(0, 2)).toBe(COUNT_PALETTE[0]);
    expect(countColour(1, 2)).toBe(COUNT_PALETTE[4]);
    expect(countColour(0, 1)).toBe(COUNT_PALETTE[4]);
  });
});

describe('legendFor', () => {
  it('lists the drawn layers top first, with the same colours the layers use', () => {
    const legend = legendFor(['hexagons', 'gistar', 'hotspots'], {
      hexagons: { bounds: [1, 5, 10], suppressedBelow: 3 },
      hotspots: { statuses: ['confirmed', 'proposed'] },
    });
    expect(legend.map((s) => s.layer)).toEqual(['hotspots', 'gistar', 'hexagons']);
    const hex = legend.find((s) => s.layer === 'hexagons');
    expect(hex?.entries.map((e) => e.label)).toEqual(['1–4', '5–9', '10 or more', 'Fewer than 3']);
    expect(hex?.entries[0]?.swatch).toEqual({
      kind: 'fill',
      fill: countColour(0, 3),
      stroke: '#505a5f',
    });
    expect(hex?.entries[3]?.swatch.kind).toBe('hatch');
    const hotspots = legend.find((s) => s.layer === 'hotspots');
    // Status order is the lifecycle's, and only statuses on the map are listed.
    expect(hotspots?.entries.map((e) => e.label)).toEqual(['Proposed', 'Confirmed']);
    expect(hotspots?.entries[0]?.swatch).toEqual({
      kind: 'outline',
      stroke: HOTSPOT_STATUS_STYLES.proposed.colour,
      dash: HOTSPOT_STATUS_STYLES.proposed.dash,
    });
  });

  it('explains published hexagons in the key: fewer than k not shown, perturbed by at most the bound', () => {
    const [hex] = legendFor(['hexagons'], {
      hexagons: { bounds: [3, 5, 10], suppressedBelow: null, published: { k: 3, bound: 2 } },
    });
    expect(hex?.note).toBe(publishedNote(3, 2));
    expect(hex?.note).toMatch(/fewer than 3 reports are not shown/);
    expect(hex?.note).toMatch(/perturbed by at most 2/);
    expect(hex?.entries.map((e) => e.label)).not.toContain('Fewer than 3');
  });

  it('gives Gi* the seven RdBu confidence classes, hot first', () => {
    const [gistar] = legendFor(['gistar'], {});
    expect(gistar?.entries.map((e) => e.label)).toEqual([
      'Hot spot, 99 % confidence',
      'Hot spot, 95 % confidence',
      'Hot spot, 90 % confidence',
      'Not significant (no colour)',
      'Cold spot, 90 % confidence',
      'Cold spot, 95 % confidence',
      'Cold spot, 99 % confidence',
    ]);
    expect(gistar?.entries[0]?.swatch).toMatchObject({ fill: GISTAR_COLOURS[3] });
    expect(gistar?.entries[6]?.swatch).toMatchObject({ fill: '#2166ac' });
  });

  it('omits suppression for analysts, and layers without data', () => {
    const legend = legendFor(['hexagons', 'density', 'points'], {
      hexagons: { bounds: [1, 2], suppressedBelow: null },
    });
    expect(legend.map((s) => s.layer)).toEqual(['hexagons']);
    expect(legend[0]?.entries.map((e) => e.label)).toEqual(['1', '2 or more']);
  });

  it('colours density bands light to dark with as many colours as bands', () => {
    const [density] = legendFor(['density'], {
      density: {
        bands: [
          { lower: 0.29, upper: 0.52 },
          { lower: 0.52, upper: 3.6 },
          { lower: 3.6, upper: 14.7 },
        ],
        unit: 'reports per km²',
      },
    });
    expect(density?.title).toBe('Density (reports per km²)');
    expect(density?.entries.map((e) => e.label)).toEqual(['0.29–0.52', '0.52–3.6', '3.6–15']);
    expect(density?.entries.map((e) => (e.swatch as { fill: string }).fill)).toEqual(
      densityPalette(3),
    );
    expect(densityPalette(9)).toHaveLength(7);
  });

  it('lists the emerging patterns drawn, hot first, with the colours the layer uses', () => {
    const [emerging] = legendFor(['emerging'], {
      emerging: {
        patterns: ['new_cold_spot', 'no_pattern', 'new_hot_spot', 'persistent_hot_spot'],
      },
    });
    expect(emerging?.entries.map((e) => e.label)).toEqual([
      'Persistent hot spot',
      'New hot spot',
      'New cold spot',
    ]);
    expect(emerging?.entries[1]?.swatch).toMatchObject({ fill: EMERGING_STYLES.new_hot_spot.fill });
  });
});
