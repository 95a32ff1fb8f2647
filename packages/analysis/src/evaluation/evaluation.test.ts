import { join } from 'node:path';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { readJson } from '../common/golden.ts';
import {
  type BeforeAfter,
  displacementAnalysis,
  hitRateAtCoverage,
  PAI_EXPLANATION,
  type PaiInputRow,
  paiTable,
  predictiveAccuracyIndex,
  slidingBlockSums,
  WDQ_EXPLANATION,
  weightedDisplacementQuotient,
} from './evaluation.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures/in');

describe('paiTable reproduces ptools', () => {
  const toy = readJson<{
    rows: PaiInputRow[];
    expected: { pai: number[]; pei: number[]; rri: number[] };
  }>(join(FIXTURES, 'ptools-pai-toy.json'));

  it('PAI [2, 1.5, 1], PEI [1, 1, 1], RRI [0.5, 0.5556, 0.6667]', () => {
    const r = paiTable(toy.rows);
    if (!r.computable) throw new Error(r.reason);
    r.rows.forEach((row, k) => {
      expect(row.pai).toBeCloseTo(toy.expected.pai[k]!, 12);
      expect(row.pei).toBeCloseTo(toy.expected.pei[k]!, 12);
      expect(row.rri!).toBeCloseTo(toy.expected.rri[k]!, 12);
    });
    expect(r.rows.map((x) => x.id)).toEqual([1, 2, 3]);
  });

  it('ranks by predicted density and scores a poor ranking below 1 PEI', () => {
    const r = paiTable([
      { id: 'a', observed: 0, predicted: 10, area: 2 },
      { id: 'b', observed: 8, predicted: 1, area: 1 },
      { id: 'c', observed: 2, predicted: 3, area: 1 },
    ]);
    if (!r.computable) throw new Error(r.reason);
    expect(r.rows.map((x) => x.id)).toEqual(['a', 'c', 'b']);
    expect(r.rows[0]!.pai).toBe(0);
    expect(r.rows[0]!.rri).toBeNull();
    expect(r.rows[1]!.pei).toBeLessThan(1);
    expect(r.rows[2]!.pai).toBeCloseTo(1, 12);
  });

  it('is not computable without observed reports, never NaN', () => {
    expect(paiTable([{ observed: 0, predicted: 1, area: 1 }])).toEqual({
      computable: false,
      reason: expect.stringMatching(/No reports/),
    });
    expect(paiTable([]).computable).toBe(false);
    expect(() => paiTable([{ observed: 1, predicted: 1, area: 0 }])).toThrow(/area/);
  });

  it('single PAI: (n/N)/(a/A)', () => {
    expect(
      predictiveAccuracyIndex({ hits: 30, totalReports: 100, flaggedArea: 3, totalArea: 100 }),
    ).toEqual({
      computable: true,
      pai: 10,
      hitRate: 0.3,
      areaShare: 0.03,
    });
    expect(
      predictiveAccuracyIndex({ hits: 0, totalReports: 0, flaggedArea: 1, totalArea: 2 })
        .computable,
    ).toBe(false);
  });
});

describe('hit rate reproduces open_cp', () => {
  const ref = readJson<{
    grid: { intensities: number[][] };
    expectedHitRates: { coverage: number; hitRate: number }[];
    expectedBlockSums2x2: number[][];
  }>(join(FIXTURES, 'open-cp-hit-rate.json'));
  const cells = ref.grid.intensities.flat().map((intensity) => ({ intensity, count: 1 }));

  it.each(ref.expectedHitRates.map((e) => [e.coverage, e.hitRate] as const))(
    'coverage %s -> %s',
    (coverage, hitRate) => {
      const r = hitRateAtCoverage(cells, coverage);
      expect(r).toMatchObject({ computable: true, hitRate });
    },
  );

  it('events outside the grid give hit rate 0 at every coverage', () => {
    const none = cells.map((c) => ({ ...c, count: 0 }));
    for (const { coverage } of ref.expectedHitRates) {
      expect(hitRateAtCoverage(none, coverage, 8)).toMatchObject({ hitRate: 0 });
    }
    expect(hitRateAtCoverage(none, 0.5).computable).toBe(false);
  });

  it('2 x 2 block sums [14, 18, 22]; PAI at 50 % coverage of a uniform grid is 1', () => {
    expect(slidingBlockSums(ref.grid.intensities, 2)).toEqual(ref.expectedBlockSums2x2);
    expect(slidingBlockSums(ref.grid.intensities, 1)).toEqual(ref.grid.intensities);
    const half = hitRateAtCoverage(cells, 0.5);
    if (!half.computable) throw new Error(half.reason);
    const pai = predictiveAccuracyIndex({
      hits: half.hitRate * 8,
      totalReports: 8,
      flaggedArea: 4,
      totalArea: 8,
    });
    expect(pai).toMatchObject({ pai: 1 });
  });
});

describe('weightedDisplacementQuotient', () => {
  const fixture = readJson<{
    cases: {
      name: string;
      target: BeforeAfter;
      buffer: BeforeAfter;
      control: BeforeAfter;
      expected: Record<string, number | string>;
    }[];
    notComputable: {
      name: string;
      target: BeforeAfter;
      buffer: BeforeAfter;
      control: BeforeAfter;
      reason: string;
    }[];
  }>(join(FIXTURES, 'wdq-cases.json'));

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = weightedDisplacementQuotient(c);
    if (!r.computable) throw new Error(r.reason);
    for (const [key, value] of Object.entries(c.expected)) {
      const actual = r[key as keyof typeof r];
      if (typeof value === 'number') expect(actual as number).toBeCloseTo(value, 9);
      else expect(actual).toBe(value);
    }
    expect(r.totalNetEffect).toBeCloseTo(r.targetNetEffect - r.bufferNetEffect, 9);
  });

  it.each(fixture.notComputable.map((c) => [c.name, c] as const))(
    'not computable: %s',
    (_name, c) => {
      const r = weightedDisplacementQuotient(c);
      expect(r.computable).toBe(false);
      if (!r.computable) expect(r.reason).toContain(c.reason);
    },
  );

  it('says when the target did not improve', () => {
    const r = weightedDisplacementQuotient({
      target: { before: 10, after: 20 },
      buffer: { before: 5, after: 5 },
      control: { before: 100, after: 100 },
    });
    expect(r).toMatchObject({ computable: true, interpretation: 'target_not_improved' });
    expect(() =>
      weightedDisplacementQuotient({
        target: { before: -1, after: 0 },
        buffer: { before: 0, after: 0 },
        control: { before: 1, after: 1 },
      }),
    ).toThrow(/non-negative/);
  });

  it('counts reports per area before and after the date', () => {
    const square = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
          [x0, y0],
        ],
      ],
    });
    const areas = {
      target: square(0, 0, 100, 100),
      buffer: square(-100, -100, 200, 200),
      control: square(1000, 1000, 2000, 2000),
    };
    const at = (x: number, y: number, t: string, n: number) =>
      Array.from({ length: n }, () => ({ x, y, t }));
    const records = [
      ...at(50, 50, '2024-01-10', 100),
      ...at(50, 50, '2024-03-10', 60),
      ...at(150, 150, '2024-01-10', 50),
      ...at(150, 150, '2024-03-10', 45),
      ...at(1500, 1500, '2024-01-10', 1000),
      ...at(1500, 1500, '2024-03-10', 1000),
      ...at(5000, 5000, '2024-03-10', 7),
    ];
    const { counts, result } = displacementAnalysis(records, areas, { date: '2024-02-01' });
    expect(counts).toEqual({
      target: { before: 100, after: 60 },
      buffer: { before: 50, after: 45 },
      control: { before: 1000, after: 1000 },
    });
    expect(result).toMatchObject({
      computable: true,
      wdq: expect.closeTo(0.125, 9),
      totalNetEffect: 45,
    });
    expect(PAI_EXPLANATION).toMatch(/^[A-Z].*\.$/);
    expect(WDQ_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});
