import { join } from 'node:path';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { golden, readJson, roundDeep } from '../common/golden.ts';
import { createPrng, normalDraw } from '../common/prng.ts';
import type { TimedPoint } from '../common/types.ts';
import {
  classifyEmergingPattern,
  EMERGING_HOTSPOTS_EXPLANATION,
  EMERGING_PATTERN_DEFINITIONS,
  type EmergingPattern,
  emergingHotspots,
  emergingHotspotsToGeoJson,
  sliceOrdinal,
} from './emerging-hotspots.ts';
import { mannKendall } from './mann-kendall.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

describe('mannKendall', () => {
  it('matches the textbook normal approximation with continuity correction', () => {
    const r = mannKendall([1, 2, 3, 4, 5]);
    expect(r.s).toBe(10);
    expect(r.variance).toBeCloseTo(50 / 3, 12);
    expect(r.z).toBeCloseTo(2.2045407685048604, 12);
    expect(r.p).toBeCloseTo(0.027486336111510353, 9);
    expect(r.tau).toBe(1);
  });

  it('corrects the variance for ties and gives no trend for a flat series', () => {
    // Ties: one group of 3 -> Var = (10·9·25 − 3·2·11) / 18.
    const r = mannKendall([1, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.variance).toBeCloseTo((10 * 9 * 25 - 3 * 2 * 11) / 18, 12);
    expect(mannKendall([2, 2, 2, 2])).toMatchObject({ s: 0, z: 0, p: 1 });
    expect(mannKendall([5, 4, 3, 2, 1]).tau).toBe(-1);
  });
});

describe('classifyEmergingPattern: one fixture per category', () => {
  const fixture = readJson<{
    alpha: number;
    cases: { name: string; z: number[]; significant: number[]; expected: EmergingPattern }[];
  }>(join(FIXTURES, 'in/patterns.json'));

  it('covers every pattern', () => {
    const covered = new Set(fixture.cases.map((c) => c.expected));
    expect([...covered].sort()).toEqual(Object.keys(EMERGING_PATTERN_DEFINITIONS).sort());
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const significant = c.significant.map(Boolean);
    const trend = mannKendall(c.z);
    expect(classifyEmergingPattern(c.z, significant, trend, fixture.alpha)).toBe(c.expected);
  });
});

describe('sliceOrdinal', () => {
  it('weeks start on Monday 00:00 UTC, months on the 1st', () => {
    const sunday = Date.parse('2024-03-10T23:59:59Z');
    const monday = Date.parse('2024-03-11T00:00:00Z');
    expect(sliceOrdinal(monday, 'week') - sliceOrdinal(sunday, 'week')).toBe(1);
    expect(sliceOrdinal(Date.parse('2024-03-17T12:00:00Z'), 'week')).toBe(
      sliceOrdinal(monday, 'week'),
    );
    expect(sliceOrdinal(Date.parse('2024-02-29T23:00:00Z'), 'month') + 1).toBe(
      sliceOrdinal(Date.parse('2024-03-01T00:00:00Z'), 'month'),
    );
  });
});

describe('emergingHotspots end to end', () => {
  // 12 months over a 5 km square: uniform background, an intensifying place (A) and a place that
  // appears only in the last month (B).
  const area: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [380000, 270000],
        [385000, 270000],
        [385000, 275000],
        [380000, 275000],
        [380000, 270000],
      ],
    ],
  };
  const A = { x: 381500, y: 271500 };
  const B = { x: 383800, y: 273700 };
  const random = createPrng(99);
  const points: TimedPoint[] = [];
  const at = (month: number) => Date.UTC(2024, month, 1 + Math.floor(random() * 27));
  for (let m = 0; m < 12; m++) {
    for (let k = 0; k < 60; k++) {
      points.push({ x: 380000 + random() * 5000, y: 270000 + random() * 5000, t: at(m) });
    }
    for (let k = 0; k < 30 + 5 * m; k++) {
      points.push({ x: A.x + normalDraw(random) * 60, y: A.y + normalDraw(random) * 60, t: at(m) });
    }
    if (m === 11) {
      for (let k = 0; k < 80; k++) {
        points.push({
          x: B.x + normalDraw(random) * 60,
          y: B.y + normalDraw(random) * 60,
          t: at(m),
        });
      }
    }
  }
  const result = emergingHotspots(points, { sizeMeters: 250, slice: 'month', studyArea: area });
  const nearest = (p: { x: number; y: number }) =>
    result.cells.reduce((best, c) =>
      Math.hypot(c.x - p.x, c.y - p.y) < Math.hypot(best.x - p.x, best.y - p.y) ? c : best,
    );

  it('labels the growing place intensifying and the newcomer new', () => {
    expect(nearest(A).pattern).toBe('intensifying_hot_spot');
    expect(nearest(B).pattern).toBe('new_hot_spot');
    expect(result.summary.no_pattern).toBeGreaterThan(result.cells.length / 2);
  });

  it('reports slices and the parameters used, and matches the golden map', () => {
    expect(result.slices).toHaveLength(12);
    expect(result.slices[0]).toEqual({
      index: 0,
      start: '2024-01-01T00:00:00.000Z',
      end: '2024-02-01T00:00:00.000Z',
    });
    expect(result.params).toMatchObject({
      slice: 'month',
      neighbourhoodTimeSteps: 1,
      alpha: 0.05,
      fdr: true,
      distanceSource: 'default',
    });
    expect(result.params.criticalP).toBeLessThan(0.05);
    const total = result.cells.reduce((s, c) => s + c.totalCount, 0);
    expect(total).toBe(points.length);
    const out = roundDeep(emergingHotspotsToGeoJson(result), 6);
    expect(out).toEqual(golden(join(FIXTURES, 'out/growing-and-new.geojson'), out));
  });

  it('does not depend on the order of the reports', () => {
    const reversed = emergingHotspots([...points].reverse(), {
      sizeMeters: 250,
      slice: 'month',
      studyArea: area,
    });
    expect(reversed.cells).toEqual(result.cells);
  });

  it('takes counted points (a published cell value) as that many reports', () => {
    // Every report moved to its cell's centre and month, then grouped: the same cube, so the
    // same patterns, as the reports one by one at those places.
    const grouped = new Map<string, { x: number; y: number; t: number; count: number }>();
    const moved: TimedPoint[] = [];
    for (const p of points) {
      const cell = nearest(p);
      const d = new Date(p.t as number);
      const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      moved.push({ x: cell.x, y: cell.y, t });
      const key = `${cell.id}|${t}`;
      const g = grouped.get(key) ?? { x: cell.x, y: cell.y, t, count: 0 };
      grouped.set(key, { ...g, count: g.count + 1 });
    }
    const options = { sizeMeters: 250, slice: 'month' as const, studyArea: area };
    const counted = emergingHotspots([...grouped.values()], options);
    expect(counted.cells).toEqual(emergingHotspots(moved, options).cells);
    expect(counted.cells.map((c) => c.pattern)).toEqual(result.cells.map((c) => c.pattern));
  });

  it('refuses too few periods or too few cells', () => {
    const short = points.filter((p) => (p.t as number) < Date.UTC(2024, 1, 1));
    expect(() => emergingHotspots(short, { sizeMeters: 250, slice: 'month' })).toThrow(
      expect.objectContaining({ code: 'TOO_FEW_TIME_SLICES' }),
    );
    const few = points.slice(0, 20);
    expect(() =>
      emergingHotspots(few, {
        sizeMeters: 250,
        slice: 'week',
        from: '2024-01-01',
        to: '2024-03-01',
      }),
    ).toThrow(expect.objectContaining({ code: 'TOO_FEW_CELLS' }));
    expect(EMERGING_HOTSPOTS_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});
