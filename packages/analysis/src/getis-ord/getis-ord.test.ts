import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJson } from '../common/golden.ts';
import {
  benjaminiHochbergThreshold,
  confidenceBins,
  GETIS_ORD_EXPLANATION,
  getisOrdLocal,
} from './getis-ord.ts';

interface Expected {
  z: number[];
  g: number[];
  expected: number[];
  variance: number[];
  pNormOneSided?: number[];
}
const toy = readJson<{
  distanceBand: number;
  points: { x: number; y: number; value: number }[];
  neighbours: number[][];
  expected: Record<'Gi_binary' | 'Gi_row' | 'GiStar_binary' | 'GiStar_row', Expected>;
}>(join(import.meta.dirname, 'fixtures/in/esda-toy.json'));
const values = toy.points.map((p) => p.value);

const variants = [
  ['Gi_binary', { star: false, transform: 'binary' }],
  ['Gi_row', { star: false, transform: 'row' }],
  ['GiStar_binary', { star: true, transform: 'binary' }],
  ['GiStar_row', { star: true, transform: 'row' }],
] as const;

describe('getisOrdLocal reproduces PySAL esda', () => {
  it('the neighbour lists are DistanceBand(15), inclusive', () => {
    const lists = toy.points.map((p, i) =>
      toy.points.flatMap((q, j) =>
        j !== i && Math.hypot(p.x - q.x, p.y - q.y) <= toy.distanceBand ? [j] : [],
      ),
    );
    expect(lists).toEqual(toy.neighbours);
  });

  it.each(variants)('%s: z, G, E[G] and Var[G] to 1e-6', (name, options) => {
    const expected = toy.expected[name];
    const result = getisOrdLocal(values, toy.neighbours, options);
    expected.z.forEach((z, i) => {
      expect(Math.abs(result.z[i]! - z)).toBeLessThan(1e-6);
      expect(Math.abs(result.g[i]! - expected.g[i]!)).toBeLessThan(1e-6);
      expect(Math.abs(result.expected[i]! - expected.expected[i]!)).toBeLessThan(1e-6);
      expect(Math.abs(result.variance[i]! - expected.variance[i]!)).toBeLessThan(1e-6);
    });
    // esda's p_norm is one-sided: 1 − Φ(|z|); ours is two-sided.
    expected.pNormOneSided?.forEach((p, i) => {
      expect(Math.abs(result.p[i]! / 2 - p)).toBeLessThan(1e-6);
    });
  });

  it('asserted test values (element 0) match exactly as esda asserts them', () => {
    expect(getisOrdLocal(values, toy.neighbours, { star: false }).z[0]).toBeCloseTo(-1.0136729, 7);
    expect(getisOrdLocal(values, toy.neighbours, { star: true }).z[0]).toBeCloseTo(-1.39727626, 7);
  });

  it('ignores i in its own list (self is added only by star)', () => {
    const withSelf = toy.neighbours.map((l, i) => [...l, i]);
    expect(getisOrdLocal(values, withSelf, { star: true }).z).toEqual(
      getisOrdLocal(values, toy.neighbours, { star: true }).z,
    );
  });

  it('equals the ArcGIS Gi* z-score formula for binary weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 5, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (xs, band) => {
          fc.pre(new Set(xs).size > 1);
          const n = xs.length;
          // Neighbours on a line: |i − j| <= band.
          const nb = xs.map((_, i) =>
            xs.flatMap((_, j) => (j !== i && Math.abs(i - j) <= band ? [j] : [])),
          );
          const ours = getisOrdLocal(xs, nb, { star: true }).z;
          const mean = xs.reduce((a, b) => a + b, 0) / n;
          const s = Math.sqrt(xs.reduce((a, b) => a + b * b, 0) / n - mean * mean);
          xs.forEach((_, i) => {
            const w = nb[i]!.length + 1;
            const lag = nb[i]!.reduce((acc, j) => acc + xs[j]!, xs[i]!);
            const denom = s * Math.sqrt((n * w - w * w) / (n - 1));
            const arc = denom === 0 ? 0 : (lag - mean * w) / denom;
            expect(ours[i]).toBeCloseTo(arc, 9);
          });
        },
      ),
    );
  });

  it('reports z = 0, p = 1 when there is no variation, and refuses tiny inputs', () => {
    const r = getisOrdLocal([4, 4, 4, 4], [[1], [0, 2], [1, 3], [2]], { star: true });
    expect(r.z).toEqual([0, 0, 0, 0]);
    expect(r.p).toEqual([1, 1, 1, 1]);
    expect(() => getisOrdLocal([1, 2], [[1], [0]], { star: true })).toThrow(/at least 3/);
  });
});

describe('confidence bins and FDR', () => {
  it('bins at 99/95/90 % on two-sided p', () => {
    const z = [3, -2.1, 1.7, 1.6, -0.2, 2.6];
    const p = z.map((v) => 2 * (1 - normal(Math.abs(v))));
    expect(confidenceBins(z, p)).toEqual([3, -2, 1, 0, 0, 3]);
  });

  it('Benjamini-Hochberg: largest p(k) <= k/m alpha', () => {
    // m = 5, alpha 0.05: limits 0.01, 0.02, 0.03, 0.04, 0.05.
    expect(benjaminiHochbergThreshold([0.001, 0.015, 0.04, 0.041, 0.9], 0.05)).toBe(0.015);
    // Step-up: 0.025 fails its own limit (0.02) but is carried in by p(4) = 0.035 <= 0.04.
    expect(benjaminiHochbergThreshold([0.9, 0.035, 0.001, 0.029, 0.025], 0.05)).toBe(0.035);
    expect(benjaminiHochbergThreshold([0.02, 0.5, 0.9], 0.05)).toBe(0);
  });

  it('FDR demotes bins but never changes z or p', () => {
    const z = [3.5, 2.0, 1.7, -1.7, 0.1, 0.2, -0.3, 0.4, 0.1, 0.0];
    const p = z.map((v) => 2 * (1 - normal(Math.abs(v))));
    const plain = confidenceBins(z, p);
    const fdr = confidenceBins(z, p, { fdr: true });
    expect(plain).toEqual([3, 2, 1, -1, 0, 0, 0, 0, 0, 0]);
    expect(fdr).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    fdr.forEach((b, i) => {
      expect(Math.abs(b)).toBeLessThanOrEqual(Math.abs(plain[i]!));
    });
  });

  it('has a one-sentence explanation', () => {
    expect(GETIS_ORD_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});

// Φ via erf-free series is overkill here; a rational approximation (Abramowitz-Stegun 26.2.17)
// is accurate to 7.5e-8, ample for choosing bins away from the thresholds.
function normal(x: number): number {
  const t = 1 / (1 + 0.2316419 * x);
  const d = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const poly =
    t *
    (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return 1 - d * poly;
}
