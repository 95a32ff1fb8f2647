import { join } from 'node:path';
import fc from 'fast-check';
import type { Feature, FeatureCollection, Point, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { golden, readJson, roundDeep } from '../common/golden.ts';
import { AnalysisInputError } from '../errors.ts';
import { aggregateToHexes, hexCentre } from '../hex-grid/hex-grid.ts';
import {
  defaultDistanceBand,
  distanceBandNeighbours,
  GISTAR_EXPLANATION,
  hexHotspots,
  hexHotspotsToGeoJson,
  hexNeighbourhood,
} from './gistar.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const input = readJson<FeatureCollection & { properties: { sizeMeters: number; fdr: boolean } }>(
  join(FIXTURES, 'in/kidderminster.geojson'),
);
const studyArea = input.features.find(
  (f) => f.properties?.role === 'studyArea',
) as Feature<Polygon>;
const points = input.features
  .filter((f): f is Feature<Point> => f.geometry.type === 'Point')
  .map((f) => ({ x: f.geometry.coordinates[0]!, y: f.geometry.coordinates[1]! }));

const lattice = (cols: number, rows: number, size: number) => {
  const out = [];
  for (let i = 0; i < cols; i++) for (let j = 0; j < rows; j++) out.push(hexCentre(i, j, size));
  return out;
};

describe('hexHotspots', () => {
  const result = hexHotspots(points, {
    sizeMeters: input.properties.sizeMeters,
    studyArea,
    fdr: input.properties.fdr,
  });

  it('matches the golden map (hexagons coloured by confidence bin)', () => {
    const out = roundDeep(hexHotspotsToGeoJson(result));
    expect(out).toEqual(golden(join(FIXTURES, 'out/kidderminster.geojson'), out));
  });

  it('finds the town centre as a 99 % hot spot and no hot spot in the empty corner', () => {
    const centre = result.cells.reduce((best, c) =>
      Math.hypot(c.x - 383000, c.y - 276500) < Math.hypot(best.x - 383000, best.y - 276500)
        ? c
        : best,
    );
    expect(centre.bin).toBe(3);
    const corner = result.cells.filter((c) => c.x > 385000 && c.y > 278300);
    expect(corner.length).toBeGreaterThan(0);
    for (const c of corner) expect(c.bin).toBeLessThanOrEqual(0);
    expect(result.summary.points).toBe(points.length);
    expect(result.cells.reduce((s, c) => s + c.count, 0)).toBe(points.length);
  });

  it('reports the parameters it used, default band from k nearest neighbours', () => {
    expect(result.params.distanceSource).toBe('default');
    expect(result.params.defaultK).toBe(
      Math.min(30, Math.max(3, Math.round(0.05 * result.cells.length))),
    );
    expect(result.params.distanceMeters).toBeGreaterThan(433);
    const given = hexHotspots(points, { sizeMeters: 250, studyArea, distanceMeters: 800 });
    expect(given.params).toMatchObject({
      distanceMeters: 800,
      distanceSource: 'given',
      defaultK: null,
    });
  });

  it('FDR only ever weakens bins; z and p are unchanged', () => {
    const withFdr = hexHotspots(points, { sizeMeters: 250, studyArea, fdr: true });
    withFdr.cells.forEach((c, i) => {
      const plain = result.cells[i]!;
      expect(c.z).toBe(plain.z);
      expect(c.p).toBe(plain.p);
      expect(Math.abs(c.bin)).toBeLessThanOrEqual(Math.abs(plain.bin));
      if (c.bin !== 0) expect(Math.sign(c.bin)).toBe(Math.sign(plain.bin));
    });
    const significant = (r: typeof result) => r.cells.filter((c) => c.bin !== 0).length;
    expect(significant(withFdr)).toBeLessThan(significant(result));
  });

  it('does not depend on the order of the reports', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(points, { minLength: points.length }), (shuffled) => {
        const r = hexHotspots(shuffled, { sizeMeters: 250, studyArea });
        expect(r.cells).toEqual(result.cells);
      }),
      { numRuns: 5 },
    );
  });

  it('refuses with a clear message when fewer than 30 cells hold data', () => {
    const spread = (n: number) =>
      Array.from({ length: n }, (_, k) => ({ x: 381000 + k * 1000, y: 276000 + (k % 3) * 900 }));
    try {
      hexHotspots(spread(29), { sizeMeters: 250, studyArea });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AnalysisInputError);
      expect((error as AnalysisInputError).code).toBe('TOO_FEW_CELLS');
      expect((error as AnalysisInputError).message).toMatch(/at least 30 hexagons.*only 29/);
    }
    const bigArea: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [380000, 275000],
          [411000, 275000],
          [411000, 279000],
          [380000, 279000],
          [380000, 275000],
        ],
      ],
    };
    expect(() => hexHotspots(spread(30), { sizeMeters: 250, studyArea: bigArea })).not.toThrow();
  });

  it('refuses when every cell has the same count', () => {
    const one = Array.from({ length: 40 }, (_, k) => ({ x: k * 2000, y: 0 }));
    expect(() => hexHotspots(one, { sizeMeters: 250 })).toThrow(
      expect.objectContaining({ code: 'NO_VARIATION' }),
    );
  });

  it('has a one-sentence explanation', () => {
    expect(GISTAR_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});

describe('defaultDistanceBand', () => {
  it('on a large lattice uses k = 30: interior cells reach their 30th neighbour at √21 · size', () => {
    const size = 100;
    const { k, distanceMeters } = defaultDistanceBand(lattice(60, 60, size));
    expect(k).toBe(30);
    // Interior cells: exactly √21·size; edge cells further, so the mean is a little above.
    expect(distanceMeters).toBeGreaterThan(Math.sqrt(21) * size);
    expect(distanceMeters).toBeLessThan(Math.sqrt(21) * size * 1.1);
  });

  it('k = 5 % of N, at least 3', () => {
    expect(defaultDistanceBand(lattice(10, 10, 100)).k).toBe(5);
    expect(defaultDistanceBand(lattice(5, 5, 100)).k).toBe(3);
    // 10 x 10 lattice, k = 5: interior cells have 6 neighbours at √3 · size.
    const d = defaultDistanceBand(lattice(10, 10, 100)).distanceMeters;
    expect(d).toBeGreaterThanOrEqual(Math.sqrt(3) * 100);
  });

  it('distance-band neighbours include lattice neighbours exactly at the band', () => {
    const centres = lattice(3, 3, 100);
    const nb = distanceBandNeighbours(centres, Math.sqrt(3) * 100);
    // Centre cell (i = 1, j = 1) is index 4 and touches all six others around it.
    expect(nb[4]!.length).toBe(6);
  });
});

describe('hexNeighbourhood', () => {
  it('walking the lattice finds the same band and neighbours as the spatial index', () => {
    // The Kidderminster cells plus two far outliers: one alone, one with a single neighbour,
    // so the stencil's fallback is exercised too.
    const cells = aggregateToHexes(
      [...points, { x: 395000, y: 290000 }, { x: 360000, y: 260000 }, { x: 360300, y: 260000 }],
      { sizeMeters: 250, studyArea },
    );
    const byIndex = defaultDistanceBand(cells);
    for (const given of [undefined, 433.0127018922193, 1000]) {
      const walked = hexNeighbourhood(cells, 250, given);
      const band = given ?? byIndex.distanceMeters;
      expect(walked.distanceMeters).toBeCloseTo(band, 9);
      expect(walked.defaultK).toBe(given === undefined ? byIndex.k : null);
      expect(walked.neighbours).toEqual(distanceBandNeighbours(cells, band));
    }
  });
});
