import { join } from 'node:path';
import fc from 'fast-check';
import type { FeatureCollection, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { golden, readJson, roundDeep } from '../common/golden.ts';
import type { RecordPoint } from '../common/types.ts';
import {
  REPEAT_LOCATIONS_EXPLANATION,
  repeatLocations,
  summariseClusters,
  summariseRecords,
} from './repeat-locations.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const input = readJson<
  FeatureCollection<Point, Omit<RecordPoint, 'x' | 'y'>> & {
    properties: { radiusMeters: number; minReports: number; from: string; to: string };
  }
>(join(FIXTURES, 'in/takeaway-and-hotel.geojson'));
const records: RecordPoint[] = input.features.map((f) => ({
  x: f.geometry.coordinates[0]!,
  y: f.geometry.coordinates[1]!,
  ...f.properties,
}));

describe('repeatLocations', () => {
  const result = repeatLocations(records, input.properties);

  it('finds the takeaway and the hotel but not the park (golden)', () => {
    expect(result.locations.map((l) => l.pointIndices)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7],
    ]);
    expect(result.reportsInPeriod).toBe(11);
    expect(result.reportsAtRepeatLocations).toBe(8);
    const out = roundDeep(result);
    expect(out).toEqual(golden(join(FIXTURES, 'out/takeaway-and-hotel.json'), out));
  });

  it('summarises the takeaway: span, months, categories, agencies', () => {
    const s = result.locations[0]!.summary;
    expect(s).toMatchObject({
      count: 5,
      firstDate: '2024-01-05',
      lastDate: '2024-04-28',
      spanDays: 114,
    });
    expect(s.countsByMonth).toEqual([
      { month: '2024-01', count: 2 },
      { month: '2024-02', count: 1 },
      { month: '2024-03', count: 0 },
      { month: '2024-04', count: 2 },
    ]);
    expect(s.topCategories[0]).toEqual({ value: 'older male with children', count: 3, share: 0.6 });
    expect(s.topPlaceTypes).toEqual([{ value: 'takeaway', count: 5, share: 1 }]);
    expect(s.sourceAgencies).toEqual([
      { value: 'police', count: 3, share: 0.6 },
      { value: 'council', count: 1, share: 0.2 },
      { value: 'education', count: 1, share: 0.2 },
    ]);
    expect(result.locations[1]!.summary.sourceAgencies.map((a) => a.value)).toContain(
      '(not recorded)',
    );
  });

  it('without a period counts the November hotel report too', () => {
    const all = repeatLocations(records, { radiusMeters: 50, minReports: 3 });
    expect(all.locations[1]!.pointIndices).toEqual([5, 6, 7, 8]);
  });

  it('every member is within the radius of its anchor and in one location only', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ x: fc.integer({ min: 0, max: 200 }), y: fc.integer({ min: 0, max: 200 }) }),
          {
            maxLength: 120,
          },
        ),
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 2, max: 6 }),
        (pts, radiusMeters, minReports) => {
          const r = repeatLocations(pts, { radiusMeters, minReports });
          const seen = new Set<number>();
          for (const loc of r.locations) {
            expect(loc.pointIndices.length).toBeGreaterThanOrEqual(minReports);
            const a = pts[loc.anchorIndex]!;
            for (const i of loc.pointIndices) {
              expect(seen.has(i)).toBe(false);
              seen.add(i);
              expect(Math.hypot(pts[i]!.x - a.x, pts[i]!.y - a.y)).toBeLessThanOrEqual(
                radiusMeters,
              );
            }
          }
        },
      ),
    );
  });

  it('rejects a minimum below 2 and a backwards period', () => {
    expect(() => repeatLocations(records, { radiusMeters: 50, minReports: 1 })).toThrow(
      /minReports/,
    );
    expect(() =>
      repeatLocations(records, {
        radiusMeters: 50,
        minReports: 3,
        from: '2024-05-01',
        to: '2024-01-01',
      }),
    ).toThrow(/period/);
    expect(REPEAT_LOCATIONS_EXPLANATION).toMatch(/^[A-Z].*\.$/);
  });
});

describe('summariseRecords / summariseClusters', () => {
  it('handles undated and empty groups', () => {
    expect(summariseRecords([{ x: 0, y: 0 }])).toMatchObject({
      count: 1,
      firstDate: null,
      spanDays: null,
      countsByMonth: [],
      undatedCount: 1,
      topCategories: [{ value: '(not recorded)', count: 1, share: 1 }],
    });
  });

  it('summarises each DBSCAN cluster by label, skipping noise', () => {
    const s = summariseClusters(records, [0, 0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1]);
    expect(s.map((x) => x.count)).toEqual([5, 4]);
    expect(s[1]!.firstDate).toBe('2023-11-30');
    expect(s[1]!.countsByMonth.map((m) => m.month)).toEqual([
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-03',
    ]);
  });

  it('keeps the top N, ties alphabetical', () => {
    const s = summariseRecords(
      ['b', 'a', 'c', 'a', 'b', 'd'].map((category) => ({ x: 0, y: 0, category })),
      { topN: 2 },
    );
    expect(s.topCategories.map((c) => c.value)).toEqual(['a', 'b']);
  });
});
