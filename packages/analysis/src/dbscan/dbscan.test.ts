import { join } from 'node:path';
import fc from 'fast-check';
import type { FeatureCollection, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { golden, readJson } from '../common/golden.ts';
import { syntheticPoints } from '../common/prng.ts';
import { buildIndex } from '../common/spatial-index.ts';
import type { PointXY } from '../common/types.ts';
import {
  compareClusterings,
  DBSCAN_EXPLANATION,
  dbscan,
  dbscanGraph,
  dbscanToGeoJson,
  type NeighbourQuery,
} from './dbscan.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface ToyCase {
  name: string;
  x: number[];
  epsMeters: number;
  minPoints: number;
  weights?: number[];
  labels?: number[];
  core?: number[];
  coreIncludes?: number[];
  coreExcludes?: number[];
}
interface ToyFile {
  cases: ToyCase[];
  precomputed: { matrix: number[][]; eps: number; minPoints: number; labels: number[] };
}
const toy = readJson<ToyFile>(join(FIXTURES, 'in/sklearn-toy-cases.json'));

const coreIndices = (isCore: readonly boolean[]) => isCore.flatMap((c, i) => (c ? [i] : []));

function bruteForceQuery(points: readonly PointXY[], eps: number): NeighbourQuery {
  return (i, out) => {
    const p = points[i]!;
    let k = 0;
    points.forEach((q, j) => {
      if ((q.x - p.x) ** 2 + (q.y - p.y) ** 2 <= eps * eps) out[k++] = j;
    });
    return k;
  };
}

describe('dbscan reproduces the scikit-learn test cases', () => {
  it.each(toy.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const points = c.x.map((x) => ({ x, y: 0 }));
    const result = dbscan(points, {
      epsMeters: c.epsMeters,
      minPoints: c.minPoints,
      ...(c.weights ? { weights: c.weights } : {}),
    });
    if (c.labels) expect(result.labels).toEqual(c.labels);
    if (c.core) expect(coreIndices(result.isCore)).toEqual(c.core);
    for (const i of c.coreIncludes ?? []) expect(result.isCore[i]).toBe(true);
    for (const i of c.coreExcludes ?? []) expect(result.isCore[i]).toBe(false);
  });

  it('precomputed sparse neighbourhood (implicit zeros are not neighbours)', () => {
    const { matrix, eps, minPoints, labels } = toy.precomputed;
    const query: NeighbourQuery = (i, out) => {
      let k = 0;
      matrix[i]!.forEach((d, j) => {
        if (j === i || (d !== 0 && d <= eps)) out[k++] = j;
      });
      return k;
    };
    expect(dbscanGraph(matrix.length, query, minPoints).labels).toEqual(labels);
  });
});

describe('dbscan on a map-sized fixture', () => {
  it('matches the golden output: two town centres, one border point, background noise', () => {
    const input = readJson<
      FeatureCollection<Point> & { properties: { epsMeters: number; minPoints: number } }
    >(join(FIXTURES, 'in/two-town-centres.geojson'));
    const points = input.features.map((f) => ({
      x: f.geometry.coordinates[0]!,
      y: f.geometry.coordinates[1]!,
    }));
    const result = dbscan(points, input.properties);
    const out = dbscanToGeoJson(points, result);
    expect(out).toEqual(golden(join(FIXTURES, 'out/two-town-centres.geojson'), out));
    expect(result.clusters.map((c) => c.size)).toEqual([13, 8]);
    expect(result.labels.at(-1)).toBe(0);
    expect(result.isCore.at(-1)).toBe(false);
    expect(result.noiseCount).toBe(6);
  });

  it('summarises each cluster', () => {
    const points = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 20, y: 0 },
      { x: 500, y: 500 },
    ];
    const r = dbscan(points, { epsMeters: 10, minPoints: 2 });
    expect(r.clusters).toEqual([
      {
        id: 0,
        size: 3,
        coreCount: 3,
        pointIndices: [0, 1, 2],
        centroid: { x: 10, y: 0 },
        bbox: [0, 0, 20, 0],
      },
    ]);
    expect(r.labels).toEqual([0, 0, 0, -1]);
  });

  it('rejects nonsense parameters', () => {
    expect(() => dbscan([], { epsMeters: -1, minPoints: 3 })).toThrow(/epsMeters/);
    expect(() => dbscan([{ x: 0, y: 0 }], { epsMeters: 1, minPoints: 1, weights: [] })).toThrow(
      /weights/,
    );
    expect(dbscan([], { epsMeters: 1, minPoints: 1 }).labels).toEqual([]);
  });

  it('has a one-sentence explanation', () => {
    expect(DBSCAN_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});

// Integer coordinates on a small lattice make exact-eps ties common, which is where bugs hide.
const arbPoints = fc.array(
  fc.record({ x: fc.integer({ min: 0, max: 30 }), y: fc.integer({ min: 0, max: 30 }) }),
  { maxLength: 80 },
);

describe('dbscan properties', () => {
  it('the kd-tree version gives exactly the brute-force labels', () => {
    fc.assert(
      fc.property(
        arbPoints,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        (pts, eps, minPoints) => {
          const indexed = dbscan(pts, { epsMeters: eps, minPoints });
          const brute = dbscanGraph(pts.length, bruteForceQuery(pts, eps), minPoints);
          expect(indexed.labels).toEqual(brute.labels);
          expect(indexed.isCore).toEqual(brute.isCore);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with sample weights, still equals brute force (grid shortcut is skipped for negative weights)', () => {
    fc.assert(
      fc.property(
        arbPoints.chain((pts) =>
          fc.tuple(
            fc.constant(pts),
            fc.array(fc.integer({ min: -1, max: 3 }), {
              minLength: pts.length,
              maxLength: pts.length,
            }),
          ),
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        ([pts, weights], eps, minPoints) => {
          const indexed = dbscan(pts, { epsMeters: eps, minPoints, weights });
          const brute = dbscanGraph(pts.length, bruteForceQuery(pts, eps), minPoints, weights);
          expect(indexed.labels).toEqual(brute.labels);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('equals plain expansion on 3,000 clustered synthetic points', () => {
    const pts = syntheticPoints({ count: 3000, seed: 5, bbox: [380000, 265000, 390000, 275000] });
    for (const [eps, minPoints] of [
      [50, 4],
      [150, 10],
      [400, 3],
    ] as const) {
      const grid = dbscan(pts, { epsMeters: eps, minPoints });
      const index = buildIndex(pts);
      const plain = dbscanGraph(
        pts.length,
        (i, out) => index.withinInto(pts[i]!.x, pts[i]!.y, eps, out),
        minPoints,
      );
      expect(grid.labels).toEqual(plain.labels);
      expect(grid.clusters.length).toBeGreaterThan(1);
    }
  });

  it('reordering the input changes only cluster numbering and border tie-breaks', () => {
    fc.assert(
      fc.property(
        arbPoints.chain((pts) =>
          fc.tuple(
            fc.constant(pts),
            fc.shuffledSubarray(
              pts.map((_, i) => i),
              { minLength: pts.length },
            ),
          ),
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 5 }),
        ([pts, order], eps, minPoints) => {
          const a = dbscan(pts, { epsMeters: eps, minPoints });
          const permuted = order.map((i) => pts[i]!);
          const b = dbscan(permuted, { epsMeters: eps, minPoints });
          // Map b's labels back to the original order and compare with the tolerant checker.
          const bLabels = new Array<number>(pts.length);
          order.forEach((orig, k) => {
            bLabels[orig] = b.labels[k]!;
          });
          const cmp = compareClusterings(a, bLabels, pts, eps);
          expect(cmp.equivalent).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('compareClusterings', () => {
  // Cluster 0 = x 0..2.4 (core only at x=1; 2.4 is a border point reachable only from it),
  // cluster 1 = x 10..11.5 (cores 10.5 and 11), 30 is noise.
  const points = [0, 0.5, 1, 2.4, 10, 10.5, 11, 11.5, 30].map((x) => ({ x, y: 0 }));
  const ref = dbscan(points, { epsMeters: 1.4, minPoints: 4 });

  it('reference layout is as described', () => {
    expect(ref.labels).toEqual([0, 0, 0, 0, 1, 1, 1, 1, -1]);
    expect(coreIndices(ref.isCore)).toEqual([2, 5, 6]);
  });

  it('accepts the same clustering under other ids, with null as noise', () => {
    const cmp = compareClusterings(ref, [7, 7, 7, 7, 3, 3, 3, 3, null], points, 1.4);
    expect(cmp.equivalent).toBe(true);
    expect(cmp.mapping.get(0)).toBe(7);
    expect(cmp.mapping.get(1)).toBe(3);
  });

  it('flags merged clusters as core mismatches', () => {
    const cmp = compareClusterings(ref, [1, 1, 1, 1, 1, 1, 1, 1, -1], points, 1.4);
    expect(cmp.equivalent).toBe(false);
    expect(cmp.coreMismatches).toEqual([5, 6]);
  });

  it('flags a border point put in a cluster with no core within eps', () => {
    const cmp = compareClusterings(ref, [0, 0, 0, 1, 1, 1, 1, 1, -1], points, 1.4);
    expect(cmp.equivalent).toBe(false);
    expect(cmp.borderMismatches).toEqual([3]);
  });

  it('flags noise that was clustered and cores left as noise', () => {
    const cmp = compareClusterings(ref, [0, 0, -1, 0, 1, 1, 1, 1, 1], points, 1.4);
    expect(cmp.noiseMismatches).toEqual([8]);
    expect(cmp.coreMismatches).toEqual([2]);
  });

  it('accepts a border point given to either of two clusters that both reach it', () => {
    const side = (sx: number) => [
      { x: sx, y: 0 },
      { x: sx, y: 0.3 },
      { x: sx, y: -0.3 },
      { x: sx * 1.3, y: 0 },
    ];
    // P at the origin is within 1 m of one core of each cluster but has only 3 neighbours.
    const pts = [...side(-1), { x: 0, y: 0 }, ...side(1)];
    const r = dbscan(pts, { epsMeters: 1, minPoints: 4 });
    expect(r.labels).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(r.isCore[4]).toBe(false);
    const otherTieBreak = [0, 0, 0, 0, 1, 1, 1, 1, 1];
    expect(compareClusterings(r, otherTieBreak, pts, 1).equivalent).toBe(true);
    const dropped = [0, 0, 0, 0, -1, 1, 1, 1, 1];
    expect(compareClusterings(r, dropped, pts, 1).borderMismatches).toEqual([4]);
  });
});
