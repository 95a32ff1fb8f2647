import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  cellsOutline,
  connectedCells,
  convexHull,
  pointInRing,
  polygonAt,
  thinPolygon,
} from './selection-geometry.ts';

/** A pointy hexagon of "radius" 1 around (cx, cy), closed. */
function hex(cx: number, cy: number): Position[] {
  const ring = Array.from({ length: 6 }, (_, i) => {
    const a = (Math.PI / 3) * i + Math.PI / 6;
    return [cx + Math.cos(a), cy + Math.sin(a)];
  });
  return [...ring, ring[0] as Position];
}
const W = Math.sqrt(3);

describe('connectedCells', () => {
  const cells = [
    { id: 'a', ring: hex(0, 0), group: 1 },
    { id: 'b', ring: hex(W, 0), group: 1 },
    { id: 'c', ring: hex(2 * W, 0), group: -1 }, // cold: touches b but is not joined
    { id: 'd', ring: hex(3 * W, 0), group: 1 }, // hot but only through c
    { id: 'e', ring: hex(W / 2, 1.5), group: 1 },
  ];
  it('joins cells of the same group through shared corners', () => {
    expect(connectedCells(cells, 'a')).toEqual(['a', 'b', 'e']);
    expect(connectedCells(cells, 'd')).toEqual(['d']);
    expect(connectedCells(cells, 'x')).toEqual([]);
  });
});

describe('cellsOutline', () => {
  it('outlines two touching hexagons with one ring of ten corners', () => {
    const outline = cellsOutline([hex(0, 0), hex(W, 0)]);
    expect(outline?.type).toBe('Polygon');
    expect(outline?.coordinates).toHaveLength(1);
    expect(outline?.coordinates[0]).toHaveLength(11);
    expect(pointInRing([W / 2, 0], outline?.coordinates[0] ?? [])).toBe(true);
    expect(pointInRing([3 * W, 0], outline?.coordinates[0] ?? [])).toBe(false);
  });

  it('keeps the hole of a ring of six hexagons', () => {
    const around = Array.from({ length: 6 }, (_, i) => {
      const a = (Math.PI / 3) * i;
      return hex(W * Math.cos(a), W * Math.sin(a));
    });
    const outline = cellsOutline(around);
    expect(outline?.coordinates).toHaveLength(2);
  });

  it('falls back to the convex hull for cells that do not touch', () => {
    const outline = cellsOutline([hex(0, 0), hex(10, 0)]);
    expect(outline?.coordinates).toHaveLength(1);
    expect(pointInRing([5, 0], outline?.coordinates[0] ?? [])).toBe(true);
  });
});

describe('polygonAt and helpers', () => {
  it('picks the clicked part of a multipolygon, else the largest', () => {
    const small = [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ];
    const big = [
      [
        [10, 10],
        [20, 10],
        [20, 20],
        [10, 20],
        [10, 10],
      ],
    ];
    const multi = { type: 'MultiPolygon' as const, coordinates: [small, big] };
    expect(polygonAt(multi, [0.5, 0.5])?.coordinates).toEqual(small);
    expect(polygonAt(multi, [50, 50])?.coordinates).toEqual(big);
  });

  it('computes a closed convex hull and thins long rings', () => {
    const hull = convexHull([
      [0, 0],
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 2],
    ]);
    expect(hull).toHaveLength(5);
    expect(hull[0]).toEqual(hull[4]);
    const ring = Array.from({ length: 5001 }, (_, i) => [Math.cos(i), Math.sin(i)]);
    const thin = thinPolygon({ type: 'Polygon', coordinates: [ring] }, 1000);
    expect(thin.coordinates[0]?.length).toBeLessThanOrEqual(1001);
    expect(thin.coordinates[0]?.[0]).toEqual(thin.coordinates[0]?.at(-1));
  });
});
