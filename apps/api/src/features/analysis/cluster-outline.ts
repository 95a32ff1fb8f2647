type Polygon = { type: 'Polygon'; coordinates: number[][][] };

/**
 * How far, in metres, a cluster outline reaches beyond its members when they have no extent of
 * their own. The same 50 m as the buffer a hotspot made from a DBSCAN cluster gets around its
 * members' convex hull (hotspots/hotspot-area.ts), so the map and the hotspot agree.
 */
export const CLUSTER_POINT_BUFFER_METERS = 50;

/** Vertices of the circle drawn around a single point (a 32-gon: within 0.5 % of the area). */
const CIRCLE_VERTICES = 32;

/**
 * The outline served for a DBSCAN cluster, in BNG metres, from its bounding box
 * [minX, minY, maxX, maxY]. Snapped data often puts every member on one map point, whose box has
 * no area: that is served as the point buffered by CLUSTER_POINT_BUFFER_METERS (a circle), and
 * members on one east-west or north-south line as the line's box widened by the same distance.
 * Any other cluster keeps its box.
 */
export function clusterOutline(bbox: readonly [number, number, number, number]): Polygon {
  const [x0, y0, x1, y1] = bbox;
  const r = CLUSTER_POINT_BUFFER_METERS;
  if (x0 === x1 && y0 === y1) {
    const ring = Array.from({ length: CIRCLE_VERTICES + 1 }, (_, k) => {
      const a = ((k % CIRCLE_VERTICES) / CIRCLE_VERTICES) * 2 * Math.PI;
      return [x0 + r * Math.cos(a), y0 + r * Math.sin(a)];
    });
    return { type: 'Polygon', coordinates: [ring] };
  }
  const dx = x0 === x1 ? r : 0;
  const dy = y0 === y1 ? r : 0;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0 - dx, y0 - dy],
        [x1 + dx, y0 - dy],
        [x1 + dx, y1 + dy],
        [x0 - dx, y1 + dy],
        [x0 - dx, y0 - dy],
      ],
    ],
  };
}
