import type {
  Feature,
  FeatureCollection,
  Geometry,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';

/** The partnership area: WGS84 polygons, alone or as features (their union is the area). */
export type AreaInput =
  | Polygon
  | MultiPolygon
  | Feature<Polygon | MultiPolygon>
  | FeatureCollection<Polygon | MultiPolygon>;

/** A point-in-area test prepared once per area, then used for every row. */
export interface AreaIndex {
  readonly bbox: readonly [number, number, number, number];
  /** True when [lng, lat] lies inside (points exactly on an edge may go either way). */
  contains(lng: number, lat: number): boolean;
}

function polygonsOf(input: AreaInput | Geometry): Position[][][] {
  switch (input.type) {
    case 'Polygon':
      return [input.coordinates];
    case 'MultiPolygon':
      return input.coordinates;
    case 'Feature':
      return input.geometry ? polygonsOf(input.geometry) : [];
    case 'FeatureCollection':
      return input.features.flatMap((f) => polygonsOf(f));
    default:
      throw new TypeError(`The area must be polygons, not ${input.type}.`);
  }
}

export function isAreaIndex(value: AreaInput | AreaIndex): value is AreaIndex {
  return typeof (value as AreaIndex).contains === 'function';
}

/**
 * Prepare a fast point-in-area test. Edges are bucketed into horizontal slabs, so a query casts its
 * ray only against the few edges in its slab (crossing-number rule per polygon, holes included):
 * constant time per row even for boundaries of many thousands of vertices. A point is inside when
 * it is inside any polygon, so overlapping or adjoining district polygons behave as their union.
 * The result agrees with turf's booleanPointInPolygon (checked by a property test).
 * @example const area = createAreaIndex(districts); area.contains(-2.25, 52.38) // true
 */
export function createAreaIndex(input: AreaInput): AreaIndex {
  const polygons = polygonsOf(input);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let edgeCount = 0;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      edgeCount += Math.max(0, ring.length - 1);
      for (const [x, y] of ring as [number, number][]) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (edgeCount === 0) {
    return { bbox: [0, 0, 0, 0], contains: () => false };
  }
  const slabCount = Math.min(4096, Math.max(1, Math.ceil(edgeCount / 4)));
  const slabHeight = (maxY - minY) / slabCount || 1;
  const slabOf = (y: number) => Math.min(slabCount - 1, Math.floor((y - minY) / slabHeight));
  const buckets: number[][] = Array.from({ length: slabCount }, () => []);
  polygons.forEach((polygon, p) => {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i++) {
        const [x1, y1] = ring[i - 1] as [number, number];
        const [x2, y2] = ring[i] as [number, number];
        if (y1 === y2) continue; // horizontal edges never cross a horizontal ray
        const from = slabOf(Math.min(y1, y2));
        const to = slabOf(Math.max(y1, y2));
        for (let s = from; s <= to; s++) (buckets[s] as number[]).push(x1, y1, x2, y2, p);
      }
    }
  });
  const slabs = buckets.map((b) => Float64Array.from(b));
  const parity = new Uint8Array(polygons.length);

  return {
    bbox: [minX, minY, maxX, maxY],
    contains(lng: number, lat: number): boolean {
      if (!(lng >= minX && lng <= maxX && lat >= minY && lat <= maxY)) return false;
      const edges = slabs[slabOf(lat)] as Float64Array;
      parity.fill(0);
      for (let i = 0; i < edges.length; i += 5) {
        const x1 = edges[i] as number;
        const y1 = edges[i + 1] as number;
        const x2 = edges[i + 2] as number;
        const y2 = edges[i + 3] as number;
        if (y1 > lat !== y2 > lat && lng < ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1) {
          const p = edges[i + 4] as number;
          parity[p] = (parity[p] as number) ^ 1;
        }
      }
      return parity.includes(1);
    },
  };
}
