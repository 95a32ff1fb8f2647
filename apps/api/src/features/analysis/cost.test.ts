import { hexAreaSquareMeters, hexesCoveringArea, hexHotspots } from '@hotspot/analysis';
import { describe, expect, it } from 'vitest';
import type { ProblemError } from '../../http/problem.ts';
import {
  areaShape,
  areaSquareMeters,
  COST_CEILINGS,
  densityCost,
  emergingCost,
  gistarCost,
  hexCellCount,
  hexNeighbourCount,
  neighbourhoodCost,
  overCeiling,
  refuseOverCeiling,
  timeSliceCount,
} from './cost.ts';

// A 40 km square (1,600 km², about a county) with a 10 km square hole, in BNG metres.
const square = (x: number, y: number, side: number) => [
  [x, y],
  [x + side, y],
  [x + side, y + side],
  [x, y + side],
  [x, y],
];
const COUNTY = {
  type: 'Polygon' as const,
  coordinates: [square(380_000, 250_000, 40_000), square(400_000, 260_000, 10_000)],
};
const AREA = areaShape(COUNTY)!;

describe('cost estimates', () => {
  it('measures a projected area less its holes, and its extent', () => {
    expect(areaSquareMeters(COUNTY)).toBe(40_000 ** 2 - 10_000 ** 2);
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [[square(0, 0, 100)], [square(500, 0, 50)]],
    };
    expect(areaSquareMeters(multi)).toBe(100 ** 2 + 50 ** 2);
    expect(areaShape(multi)).toEqual({ squareMeters: 12_500, widthMeters: 550, heightMeters: 100 });
    expect(areaShape(undefined)).toBeNull();
  });

  it('counts the hexagons of an area as the lattice does, and one per report without an area', () => {
    const lattice = hexesCoveringArea(COUNTY, 250).length;
    const estimate = hexCellCount(AREA, 250, 1000);
    expect(Math.abs(estimate - lattice) / lattice).toBeLessThan(0.01);
    expect(hexCellCount(null, 250, 1234)).toBe(1234);
  });

  it('counts the neighbours within a distance band as the lattice does, bounded by the cells', () => {
    // Lattice cells within 2 km of a cell, itself excluded, at 250 m.
    const cells = hexesCoveringArea({ type: 'Polygon', coordinates: [square(0, 0, 20_000)] }, 250);
    const centre = cells.reduce((best, c) =>
      Math.hypot(c.x - 10_000, c.y - 10_000) < Math.hypot(best.x - 10_000, best.y - 10_000)
        ? c
        : best,
    );
    const within = cells.filter(
      (c) => c !== centre && Math.hypot(c.x - centre.x, c.y - centre.y) <= 2000,
    ).length;
    const estimate = hexNeighbourCount(cells.length, 250, 2000);
    // The lattice is discrete: within a tenth at a band of eight cells.
    expect(Math.abs(estimate - within) / within).toBeLessThan(0.1);
    expect(hexNeighbourCount(50, 250, 50_000)).toBe(49);
    // The default band reaches about k = 5 % of the cells, 3..30.
    expect(hexNeighbourCount(10_000, 250, null)).toBe(30);
    expect(hexNeighbourCount(100, 250, null)).toBe(5);
  });

  it('estimates Gi* pairs within a few per cent of the neighbour lists actually built', () => {
    // One report per cell and a second in every third, so the counts vary.
    const points = hexesCoveringArea(COUNTY, 1000).flatMap((c, i) =>
      i % 3 === 0 ? [c, { x: c.x + 1, y: c.y }] : [c],
    );
    const result = hexHotspots(points, {
      sizeMeters: 1000,
      studyArea: COUNTY,
      distanceMeters: 5000,
    });
    const actual = result.cells.reduce((s, c) => s + c.neighbourCount + 1, 0);
    const [cells, pairs] = gistarCost({
      area: AREA,
      sizeMeters: 1000,
      distanceMeters: 5000,
      points: points.length,
    });
    expect(cells!.estimate).toBeCloseTo(result.cells.length, -1);
    // Edge cells have fewer neighbours than the lattice: the estimate errs on the high side.
    expect(pairs!.estimate).toBeGreaterThanOrEqual(actual);
    expect(pairs!.estimate / actual).toBeLessThan(1.3);
  });

  it('refuses the issue viewer request (100 m hexagons, 50 km band) naming the pairs and the limit', () => {
    const estimates = gistarCost({
      area: AREA,
      sizeMeters: 100,
      distanceMeters: 50_000,
      points: 2400,
    });
    const over = overCeiling(estimates)!;
    expect(over.limit).toBe('cellNeighbourPairs');
    const cells = Math.ceil(AREA.squareMeters / hexAreaSquareMeters(100));
    expect(over.estimate).toBe(cells * cells);
    try {
      refuseOverCeiling(estimates);
      expect.unreachable();
    } catch (error) {
      const problem = error as ProblemError;
      expect(problem.kind.status).toBe(422);
      expect(problem.detail).toBe(
        `This request would compute ${(cells * cells).toLocaleString('en-GB')} cell-neighbour pairs; the limit is 5,000,000: use a larger cell size or a shorter distance band.`,
      );
      expect(problem.extensions).toMatchObject({
        code: 'TOO_COSTLY',
        limit: 'cellNeighbourPairs',
        ceiling: 5_000_000,
      });
    }
    // The default band at the same size is permitted.
    expect(
      overCeiling(gistarCost({ area: AREA, sizeMeters: 100, distanceMeters: null, points: 2400 })),
    ).toBeNull();
  });

  it('counts time slices as the emerging analysis does, and refuses the issue chair request', () => {
    expect(timeSliceCount('2024-01-01', '2024-12-31', 'month')).toBe(12);
    // 2024-01-01 is a Monday; 2024-12-31 is the Tuesday of the 53rd ISO week begun in 2024.
    expect(timeSliceCount('2024-01-01', '2024-12-31', 'week')).toBe(53);
    expect(timeSliceCount('2024-05-01', '2024-04-01', 'month')).toBe(0);
    const estimates = emergingCost({
      area: AREA,
      sizeMeters: 100,
      distanceMeters: null,
      points: 2400,
      from: '2000-01-01',
      to: '2030-12-31',
      slice: 'week',
    });
    const over = overCeiling(estimates)!;
    expect(over.limit).toBe('spaceTimeBins');
    expect(over.estimate).toBe(
      Math.ceil(AREA.squareMeters / hexAreaSquareMeters(100)) *
        timeSliceCount('2000-01-01', '2030-12-31', 'week'),
    );
    expect(over.advice).toContain('monthly slices');
    const usual = emergingCost({
      ...{ area: AREA, sizeMeters: 250, distanceMeters: null, points: 2400 },
      from: '2024-01-01',
      to: '2024-12-31',
      slice: 'month',
    });
    expect(overCeiling(usual)).toBeNull();
  });

  it('bounds DBSCAN and repeat locations by reports and by pairs within the radius', () => {
    const few = neighbourhoodCost({
      area: AREA,
      points: 10_000,
      radiusMeters: 100,
      radiusName: 'epsMeters',
    });
    expect(overCeiling(few)).toBeNull();
    // 300,000 reports with a 5 km radius: each sees about 300,000 x π 25e6 / 1.5e9 others.
    const many = neighbourhoodCost({
      area: AREA,
      points: 300_000,
      radiusMeters: 5000,
      radiusName: 'epsMeters',
    });
    expect(overCeiling(many)?.limit).toBe('pointNeighbourPairs');
    expect(overCeiling(many)?.advice).toContain('smaller epsMeters');
    const tooMany = neighbourhoodCost({
      area: AREA,
      points: COST_CEILINGS.points + 1,
      radiusMeters: 1,
      radiusName: 'radiusMeters',
    });
    expect(overCeiling(tooMany)?.limit).toBe('points');
    // Without an area every report may be near every other.
    expect(
      neighbourhoodCost({ area: null, points: 1000, radiusMeters: 1, radiusName: 'epsMeters' })[1]!
        .estimate,
    ).toBe(1_000_000);
  });

  it('sizes the density grid from the area, the bandwidth and the cell', () => {
    const [, grid, kernel] = densityCost({
      area: AREA,
      points: 1000,
      bandwidthMeters: 1000,
      cellSizeMeters: 10,
      supportTest: false,
    });
    expect(grid!.estimate).toBe(Math.ceil(42_000 / 10 + 3) ** 2);
    expect(kernel!.estimate).toBe(1000 * Math.ceil((Math.PI * 1000 ** 2) / 100));
    expect(overCeiling([grid!])?.limit).toBe('densityGridCells');
    // Defaults: the cell is a 250th of the smaller side; the bandwidth is bounded by the spread.
    expect(
      overCeiling(
        densityCost({
          area: AREA,
          points: 2400,
          bandwidthMeters: null,
          cellSizeMeters: null,
          supportTest: true,
        }),
      ),
    ).toBeNull();
    expect(
      densityCost({
        area: AREA,
        points: 10,
        bandwidthMeters: 500,
        cellSizeMeters: null,
        supportTest: true,
      }),
    ).toHaveLength(4);
  });
});
