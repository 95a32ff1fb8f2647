import { join } from 'node:path';
import { area, booleanPointInPolygon } from '@turf/turf';
import type { FeatureCollection, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { golden, readJson, roundDeep } from '../common/golden.ts';
import { syntheticPoints } from '../common/prng.ts';
import {
  defaultBandwidth,
  densityAt,
  KERNEL_DENSITY_EXPLANATION,
  kernelDensity,
  surfaceValueAt,
} from './kernel-density.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
type DensityFixture = FeatureCollection<Point> & {
  properties: {
    bandwidthMeters: number;
    cellSizeMeters: number;
    expected: { x: number; y: number; densityPerKm2: number }[];
  };
};

describe.each(['one-point', 'two-points'])('kernelDensity fixture %s', (name) => {
  const fixture = readJson<DensityFixture>(join(FIXTURES, `in/${name}.geojson`));
  const points = fixture.features.map((f) => ({
    x: f.geometry.coordinates[0]!,
    y: f.geometry.coordinates[1]!,
  }));
  const result = kernelDensity(points, {
    bandwidthMeters: fixture.properties.bandwidthMeters,
    cellSizeMeters: fixture.properties.cellSizeMeters,
  });

  it('reproduces the hand-derived densities at cell centres', () => {
    for (const e of fixture.properties.expected) {
      expect(surfaceValueAt(result.surface, e.x, e.y)).toBeCloseTo(e.densityPerKm2, 9);
      expect(densityAt(points, e.x, e.y, fixture.properties.bandwidthMeters)).toBeCloseTo(
        e.densityPerKm2,
        9,
      );
    }
  });

  it('integrates to the number of reports', () => {
    const cellKm2 = (fixture.properties.cellSizeMeters / 1000) ** 2;
    const mass = result.surface.values.reduce((s, v) => s + v, 0) * cellKm2;
    expect(mass).toBeCloseTo(points.length, 2);
  });

  it('draws nested contour bands around the point(s) (golden)', () => {
    const out = roundDeep(result.bands);
    expect(out).toEqual(golden(join(FIXTURES, `out/${name}.geojson`), out));
    expect(result.bands.features.length).toBeGreaterThan(2);
    // The top band contains the highest cell and the bands shrink as density rises.
    const areas = result.bands.features.map((f) => area(f));
    expect(areas[areas.length - 1]!).toBeLessThan(areas[0]!);
    const top = result.bands.features.at(-1)!;
    const first = points[0]!;
    expect(booleanPointInPolygon([first.x, first.y], top)).toBe(name === 'one-point');
  });
});

describe('kernelDensity', () => {
  it('default bandwidth: 0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2 (hand computed)', () => {
    // Mean centre (50, 50); SD = √(2000 + 2000) = 63.2456; Dm = 70.7107; h = 0.9 · 63.2456 · 5^−0.2.
    const pts = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 0, y: 100 },
      { x: 100, y: 100 },
      { x: 50, y: 50 },
    ];
    expect(defaultBandwidth(pts)).toBeCloseTo(41.2551817018619, 9);
    // Median-distance branch: a tight core with one far outlier makes Dm the smaller term.
    const skewed = [...Array.from({ length: 9 }, (_, k) => ({ x: k, y: 0 })), { x: 10000, y: 0 }];
    const mean = skewed.reduce((s, p) => s + p.x, 0) / skewed.length;
    const ds = skewed.map((p) => Math.abs(p.x - mean)).sort((a, b) => a - b);
    const dm = (ds[4]! + ds[5]!) / 2;
    expect(defaultBandwidth(skewed)).toBeCloseTo(
      0.9 * Math.sqrt(1 / Math.LN2) * dm * 10 ** -0.2,
      9,
    );
  });

  it('reports the parameters it used and keeps the grid anchored to BNG', () => {
    const pts = syntheticPoints({ count: 500, seed: 3, bbox: [380000, 270000, 385000, 275000] });
    const r = kernelDensity(pts, { cellSizeMeters: 50 });
    expect(r.params.bandwidthSource).toBe('default');
    expect(r.params.bandwidthMeters).toBeCloseTo(defaultBandwidth(pts), 9);
    expect(r.params.breaks.length).toBe(6);
    expect(((r.surface.originX / 25) % 2) ** 2).toBe(1);
    const shifted = kernelDensity(pts.slice(1), { cellSizeMeters: 50, bandwidthMeters: 300 });
    expect((shifted.surface.originX - r.surface.originX) % 50).toBe(0);
    expect(r.params.cellSizeMeters).toBe(50);
    const auto = kernelDensity(pts, { contours: false });
    expect(auto.params.cellSizeMeters).toBe(20);
    expect(auto.bands.features).toEqual([]);
  });

  it('refuses what it cannot do, with reasons', () => {
    expect(() => kernelDensity([])).toThrow(expect.objectContaining({ code: 'TOO_FEW_POINTS' }));
    expect(() => kernelDensity([{ x: 0, y: 0 }])).toThrow(/bandwidthMeters/);
    expect(() =>
      kernelDensity([
        { x: 0, y: 0 },
        { x: 0, y: 0 },
      ]),
    ).toThrow(expect.objectContaining({ code: 'NO_VARIATION' }));
    expect(() =>
      kernelDensity(
        [
          { x: 0, y: 0 },
          { x: 400000, y: 400000 },
        ],
        { cellSizeMeters: 10, bandwidthMeters: 500 },
      ),
    ).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(KERNEL_DENSITY_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});
