import { booleanPointInPolygon } from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAreaIndex } from './area.ts';
import { AREA, NORTH_WORCESTERSHIRE } from './test-support.ts';

describe('createAreaIndex', () => {
  it('agrees with turf booleanPointInPolygon on random points around North Worcestershire', () => {
    const [minX, minY, maxX, maxY] = AREA.bbox;
    fc.assert(
      fc.property(
        fc.double({ min: minX - 0.05, max: maxX + 0.05, noNaN: true }),
        fc.double({ min: minY - 0.05, max: maxY + 0.05, noNaN: true }),
        (lng, lat) => {
          const turf = NORTH_WORCESTERSHIRE.features.some((f) =>
            booleanPointInPolygon([lng, lat], f),
          );
          expect(AREA.contains(lng, lat)).toBe(turf);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('knows the three towns and not Worcester, Birmingham or the Bristol Channel', () => {
    expect(AREA.contains(-2.2486, 52.3886)).toBe(true); // Kidderminster
    expect(AREA.contains(-2.0603, 52.3357)).toBe(true); // Bromsgrove
    expect(AREA.contains(-1.9397, 52.3068)).toBe(true); // Redditch
    expect(AREA.contains(-2.2216, 52.192)).toBe(false); // Worcester
    expect(AREA.contains(-1.8904, 52.4862)).toBe(false); // Birmingham
    expect(AREA.contains(-3.5, 51.4)).toBe(false); // the sea
  });

  it('handles holes and separate polygons', () => {
    const area = createAreaIndex({
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
            [0, 0],
          ],
          [
            [4, 4],
            [6, 4],
            [6, 6],
            [4, 6],
            [4, 4],
          ],
        ],
        [
          [
            [20, 0],
            [30, 0],
            [30, 10],
            [20, 0],
          ],
        ],
      ],
    });
    expect(area.contains(2, 2)).toBe(true);
    expect(area.contains(5, 5)).toBe(false); // in the hole
    expect(area.contains(29, 5)).toBe(true);
    expect(area.contains(21, 5)).toBe(false);
    expect(area.contains(15, 5)).toBe(false);
  });
});
