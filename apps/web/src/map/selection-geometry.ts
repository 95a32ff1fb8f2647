/**
 * Geometry for selecting on the map, pure and small (no geometry library in the bundle):
 * which hot cells belong together, the outline of a group of hexagons, and which part of a
 * multipolygon was clicked. Coordinates are GeoJSON [lng, lat].
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export interface CellFeature {
  readonly id: string;
  readonly ring: readonly Position[];
  /** Cells join a group only with cells of the same group key (e.g. hot vs cold). */
  readonly group: number;
}

// Neighbouring hexagons compute their shared corners separately; 1e-6 degrees (~10 cm)
// absorbs the rounding.
const key = (p: Position) => `${(p[0] ?? 0).toFixed(6)},${(p[1] ?? 0).toFixed(6)}`;

function corners(ring: readonly Position[]): Position[] {
  const closed = ring.length > 1 && key(ring[0] ?? []) === key(ring[ring.length - 1] ?? []);
  return closed ? ring.slice(0, -1) : [...ring];
}

/**
 * The cells connected to `start` through shared corners, with the same group key: a click on
 * one hot cell selects the whole hot area around it.
 */
export function connectedCells(cells: readonly CellFeature[], start: string): string[] {
  const first = cells.find((c) => c.id === start);
  if (!first) return [];
  const byCorner = new Map<string, CellFeature[]>();
  for (const c of cells) {
    if (c.group !== first.group) continue;
    for (const p of corners(c.ring)) {
      const k = key(p);
      byCorner.set(k, [...(byCorner.get(k) ?? []), c]);
    }
  }
  const seen = new Set<string>([first.id]);
  const queue: CellFeature[] = [first];
  while (queue.length > 0) {
    const c = queue.shift() as CellFeature;
    for (const p of corners(c.ring)) {
      for (const n of byCorner.get(key(p)) ?? []) {
        if (!seen.has(n.id)) {
          seen.add(n.id);
          queue.push(n);
        }
      }
    }
  }
  return [...seen].sort();
}

function ringArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i += 1) {
    const [x1 = 0, y1 = 0] = ring[i] ?? [];
    const [x2 = 0, y2 = 0] = ring[i + 1] ?? [];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Convex hull (monotone chain), closed. */
export function convexHull(points: readonly Position[]): Position[] {
  const pts = [...new Map(points.map((p) => [key(p), p])).values()].sort(
    (a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0),
  );
  if (pts.length < 3) return [];
  const cross = (o: Position, a: Position, b: Position) =>
    ((a[0] ?? 0) - (o[0] ?? 0)) * ((b[1] ?? 0) - (o[1] ?? 0)) -
    ((a[1] ?? 0) - (o[1] ?? 0)) * ((b[0] ?? 0) - (o[0] ?? 0));
  const half = (list: Position[]) => {
    const out: Position[] = [];
    for (const p of list) {
      while (
        out.length >= 2 &&
        cross(out[out.length - 2] as Position, out[out.length - 1] as Position, p) <= 0
      ) {
        out.pop();
      }
      out.push(p);
    }
    out.pop();
    return out;
  };
  const hull = [...half(pts), ...half([...pts].reverse())];
  return [...hull, hull[0] as Position];
}

/**
 * The outline of a set of hexagons as one polygon: edges shared by two cells cancel and the
 * rest are chained into rings (the largest is the outside, the others holes). When that does
 * not give one clean outline (cells not touching, or corners removed by disclosure control),
 * the convex hull of all corners stands in: it is only the area a summary is asked about.
 */
export function cellsOutline(rings: readonly (readonly Position[])[]): Polygon | null {
  const edges = new Map<string, { from: Position; to: Position; count: number }>();
  for (const ring of rings) {
    const cs = corners(ring);
    cs.forEach((p, i) => {
      const q = cs[(i + 1) % cs.length] as Position;
      const k = [key(p), key(q)].sort().join('|');
      const existing = edges.get(k);
      if (existing) existing.count += 1;
      else edges.set(k, { from: p, to: q, count: 1 });
    });
  }
  const boundary = [...edges.values()].filter((e) => e.count === 1);
  const next = new Map<string, Position[]>();
  for (const e of boundary) {
    next.set(key(e.from), [...(next.get(key(e.from)) ?? []), e.to]);
    next.set(key(e.to), [...(next.get(key(e.to)) ?? []), e.from]);
  }
  const clean = [...next.values()].every((list) => list.length === 2);
  const hull = () => {
    const h = convexHull(rings.flatMap((r) => [...r]));
    return h.length >= 4 ? ({ type: 'Polygon', coordinates: [h] } as Polygon) : null;
  };
  if (!clean || boundary.length === 0) return hull();
  const used = new Set<string>();
  const out: Position[][] = [];
  for (const e of boundary) {
    if (used.has(key(e.from))) continue;
    const ring: Position[] = [e.from];
    used.add(key(e.from));
    let prev = e.from;
    let current = e.to;
    while (key(current) !== key(e.from)) {
      ring.push(current);
      used.add(key(current));
      const options = next.get(key(current)) ?? [];
      const following = options.find((p) => key(p) !== key(prev)) ?? options[0];
      if (!following || ring.length > boundary.length + 1) return hull();
      prev = current;
      current = following;
    }
    ring.push(e.from);
    out.push(ring);
  }
  out.sort((a, b) => Math.abs(ringArea(b)) - Math.abs(ringArea(a)));
  const [outer, ...holes] = out;
  if (!outer) return hull();
  // Holes must lie inside the outer ring; a second outside ring means separate pieces.
  const inside = holes.every((h) => pointInRing(h[0] as Position, outer));
  if (!inside) return hull();
  // GeoJSON (RFC 7946): outer ring anticlockwise, holes clockwise.
  const orient = (r: Position[], ccw: boolean) => (ringArea(r) > 0 === ccw ? r : [...r].reverse());
  return {
    type: 'Polygon',
    coordinates: [orient(outer, true), ...holes.map((h) => orient(h, false))],
  };
}

export function pointInRing(point: Position, ring: readonly Position[]): boolean {
  const [x = 0, y = 0] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The polygon of a (multi)polygon that contains the point, holes respected; else the largest. */
export function polygonAt(geometry: Polygon | MultiPolygon, point: Position): Polygon | null {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const hit = parts.find(
    (rings) =>
      rings[0] !== undefined &&
      pointInRing(point, rings[0]) &&
      !rings.slice(1).some((hole) => pointInRing(point, hole)),
  );
  const chosen =
    hit ??
    [...parts].sort((a, b) => Math.abs(ringArea(b[0] ?? [])) - Math.abs(ringArea(a[0] ?? [])))[0];
  return chosen ? { type: 'Polygon', coordinates: chosen } : null;
}

/** Keeps at most `max` vertices per ring (every nth), closed: the API caps ring sizes. */
export function thinPolygon(polygon: Polygon, max = 2000): Polygon {
  return {
    type: 'Polygon',
    coordinates: polygon.coordinates.map((ring) => {
      if (ring.length <= max) return ring;
      const step = Math.ceil(ring.length / max);
      const kept = ring.filter((_, i) => i % step === 0);
      return [...kept, kept[0] as Position];
    }),
  };
}
