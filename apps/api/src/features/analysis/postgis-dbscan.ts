import type { PointXY } from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { sql } from 'kysely';

/**
 * PostGIS `ST_ClusterDBSCAN(geom, eps, minpoints) over ()` on the given BNG points, as the
 * reference our JavaScript DBSCAN is checked and benchmarked against. Labels come back in input
 * order; noise is null. The points travel as two float8 arrays, so no table is needed.
 */
export async function postgisDbscan(
  db: Db,
  points: readonly PointXY[],
  epsMeters: number,
  minPoints: number,
): Promise<(number | null)[]> {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const result = await sql<{ i: string; cid: number | null }>`
    select i::text as i, ST_ClusterDBSCAN(ST_MakePoint(x, y), ${epsMeters}::float8, ${minPoints}::int) over () as cid
    from unnest(${xs}::float8[], ${ys}::float8[]) with ordinality as t(x, y, i)`.execute(db.kysely);
  const labels: (number | null)[] = new Array(points.length).fill(null);
  for (const row of result.rows)
    labels[Number(row.i) - 1] = row.cid === null ? null : Number(row.cid);
  return labels;
}

/** Deterministic uniform-plus-clustered points (mulberry32), BNG metres, for tests and benches. */
export function randomPoints(
  count: number,
  seed: number,
  bbox: readonly [number, number, number, number],
): PointXY[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const [x0, y0, x1, y1] = bbox;
  const centres = Array.from({ length: 30 }, () => ({
    x: x0 + random() * (x1 - x0),
    y: y0 + random() * (y1 - y0),
    s: 30 + random() * 300,
  }));
  return Array.from({ length: count }, (_, i) => {
    if (i % 10 < 6) {
      const c = centres[i % centres.length]!;
      // Box-Muller around a centre.
      const r = Math.sqrt(-2 * Math.log(1 - random())) * c.s;
      const a = 2 * Math.PI * random();
      return {
        x: Math.round((c.x + r * Math.cos(a)) * 100) / 100,
        y: Math.round((c.y + r * Math.sin(a)) * 100) / 100,
      };
    }
    return {
      x: Math.round((x0 + random() * (x1 - x0)) * 100) / 100,
      y: Math.round((y0 + random() * (y1 - y0)) * 100) / 100,
    };
  });
}
