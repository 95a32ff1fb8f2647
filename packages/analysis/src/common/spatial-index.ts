import KDBush from 'kdbush';
import type { PointXY } from './types.ts';

/** Builds a static kd-tree (kdbush) over the points; ids are the array indices. */
export function buildIndex(points: readonly PointXY[]): KDBush {
  const index = new KDBush(Math.max(1, points.length));
  if (points.length === 0) {
    index.add(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }
  for (const p of points) index.add(p.x, p.y);
  return index.finish();
}
