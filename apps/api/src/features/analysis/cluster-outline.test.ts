import { area, polygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { CLUSTER_POINT_BUFFER_METERS, clusterOutline } from './cluster-outline.ts';

// Planar area of a BNG ring by the shoelace formula (turf's area is geodesic, for WGS84).
const planarArea = (ring: number[][]) =>
  Math.abs(ring.slice(1).reduce((s, [x, y], k) => s + ring[k]![0]! * y! - x! * ring[k]![1]!, 0)) /
  2;

describe('cluster outline', () => {
  it('serves members on one point as the point buffered by 50 m, not a zero-area box', () => {
    const outline = clusterOutline([383_000, 276_500, 383_000, 276_500]);
    const ring = outline.coordinates[0]!;
    expect(ring[0]).toEqual(ring.at(-1));
    for (const [x, y] of ring) {
      expect(Math.hypot(x! - 383_000, y! - 276_500)).toBeCloseTo(CLUSTER_POINT_BUFFER_METERS, 6);
    }
    const circle = Math.PI * CLUSTER_POINT_BUFFER_METERS ** 2;
    expect(planarArea(ring) / circle).toBeGreaterThan(0.99);
    // A valid ring turf accepts as a polygon.
    expect(area(polygon(outline.coordinates))).toBeGreaterThan(0);
  });

  it('widens members on one line by the buffer, and keeps any other box', () => {
    const line = clusterOutline([383_000, 276_500, 383_100, 276_500]).coordinates[0]!;
    expect(planarArea(line)).toBeCloseTo(100 * 2 * CLUSTER_POINT_BUFFER_METERS, 6);
    const box = clusterOutline([383_000, 276_500, 383_100, 276_540]).coordinates[0]!;
    expect(box).toEqual([
      [383_000, 276_500],
      [383_100, 276_500],
      [383_100, 276_540],
      [383_000, 276_540],
      [383_000, 276_500],
    ]);
  });
});
