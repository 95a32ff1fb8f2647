import { join } from 'node:path';
import fc from 'fast-check';
import type { Feature, FeatureCollection, Point, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { golden, readJson } from '../common/golden.ts';
import {
  aggregateToHexes,
  HEX_GRID_EXPLANATION,
  hexAreaSquareMeters,
  hexCentre,
  hexesCoveringArea,
  hexesToGeoJson,
  hexIndexAt,
  hexRing,
} from './hex-grid.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const postgis = readJson<{
  sizeMeters: number;
  cells: { i: number; j: number; ring: [number, number][] }[];
  containing: { x: number; y: number; i: number; j: number }[];
  negativeEnvelope: { envelope: [number, number, number, number]; cells: [number, number][] };
}>(join(FIXTURES, 'in/postgis-hexagongrid.json'));

describe('hexagon grid matches PostGIS ST_HexagonGrid', () => {
  it.each(postgis.cells.map((c) => [`${c.i}:${c.j}`, c] as const))(
    'cell %s has the same ring',
    (_id, cell) => {
      const ring = hexRing(cell.i, cell.j, postgis.sizeMeters);
      ring.forEach(([x, y], k) => {
        expect(x).toBeCloseTo(cell.ring[k]![0], 6);
        expect(y).toBeCloseTo(cell.ring[k]![1], 6);
      });
    },
  );

  it('puts a point in the same cell', () => {
    for (const c of postgis.containing) {
      expect(hexIndexAt(c.x, c.y, postgis.sizeMeters)).toEqual({ i: c.i, j: c.j });
    }
  });

  it('numbers negative columns and rows the same way', () => {
    const [minX, minY, maxX, maxY] = postgis.negativeEnvelope.envelope;
    const size = postgis.sizeMeters;
    // PostGIS returns the cells whose hexagon intersects the envelope; check ours contain the
    // envelope corners and centre within that set.
    const set = new Set(postgis.negativeEnvelope.cells.map(([i, j]) => `${i}:${j}`));
    for (const [x, y] of [
      [minX, minY],
      [maxX, maxY],
      [minX, maxY],
      [maxX, minY],
      [(minX + maxX) / 2, (minY + maxY) / 2],
    ] as const) {
      const { i, j } = hexIndexAt(x, y, size);
      expect(set.has(`${i}:${j}`)).toBe(true);
    }
  });
});

describe('hexIndexAt', () => {
  it('always picks the hexagon with the nearest centre (the hexagon definition)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 10, max: 2000 }),
        (x, y, size) => {
          const { i, j } = hexIndexAt(x, y, size);
          const c = hexCentre(i, j, size);
          const d = Math.hypot(c.x - x, c.y - y);
          expect(d).toBeLessThanOrEqual(size + 1e-6);
          for (const [di, dj] of [
            [0, 1],
            [0, -1],
            [1, 0],
            [-1, 0],
            [1, 1],
            [1, -1],
            [-1, 1],
            [-1, -1],
          ] as const) {
            const o = hexCentre(i + di, j + dj, size);
            expect(d).toBeLessThanOrEqual(Math.hypot(o.x - x, o.y - y) + 1e-6);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('area of a 250 m hexagon', () => {
    expect(hexAreaSquareMeters(250)).toBeCloseTo(162379.763, 2);
  });
});

describe('aggregateToHexes', () => {
  const input = readJson<FeatureCollection & { properties: { sizeMeters: number } }>(
    join(FIXTURES, 'in/redditch-square.geojson'),
  );
  const area = input.features.find((f) => f.properties?.role === 'studyArea') as Feature<Polygon>;
  const points = input.features
    .filter((f): f is Feature<Point> => f.geometry.type === 'Point')
    .map((f) => ({ x: f.geometry.coordinates[0]!, y: f.geometry.coordinates[1]! }));
  const size = input.properties.sizeMeters;

  it('counts reports per cell and adds empty cells inside the study area (golden)', () => {
    const cells = aggregateToHexes(points, { sizeMeters: size, studyArea: area });
    const out = hexesToGeoJson(cells, size, (c) => ({
      id: c.id,
      count: c.count,
      fill: c.count === 0 ? '#ffffff' : c.count >= 3 ? '#bd0026' : '#fd8d3c',
      'fill-opacity': 0.6,
    }));
    expect(out).toEqual(golden(join(FIXTURES, 'out/redditch-square.geojson'), out));
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(points.length);
    expect(cells.filter((c) => c.count > 0).map((c) => c.count)).toEqual([3, 2, 1]);
    expect(cells.length).toBe(hexesCoveringArea(area, size).length);
  });

  it('without a study area returns only cells holding reports, ordered by i then j', () => {
    const cells = aggregateToHexes(points, { sizeMeters: size });
    expect(cells.map((c) => c.count)).toEqual([3, 2, 1]);
    const sorted = [...cells].sort((a, b) => a.i - b.i || a.j - b.j);
    expect(cells).toEqual(sorted);
  });

  it('ids are stable whatever else is in the data', () => {
    const alone = aggregateToHexes([points[0]!], { sizeMeters: size });
    const all = aggregateToHexes(points, { sizeMeters: size });
    expect(all.map((c) => c.id)).toContain(alone[0]!.id);
  });

  it('rejects a silly size and has an explanation', () => {
    expect(() => aggregateToHexes(points, { sizeMeters: 0 })).toThrow(/sizeMeters/);
    expect(HEX_GRID_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});
