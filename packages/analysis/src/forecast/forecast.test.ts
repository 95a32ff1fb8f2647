import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  BLEND_WEIGHTS,
  backtest,
  backtestSummary,
  bestMethod,
  chooseForecast,
  type ForecastMethod,
  monthOrdinal,
  observedInMonth,
  prepareRecords,
  rankCells,
  rankedPositions,
  scoreCells,
  scoreFlagged,
  topPositions,
  topSet,
  topSets,
} from './forecast.ts';
import { latticeCellId, latticeSize, squareLattice } from './lattice.ts';

/*
 * The toy lattice: the rectangle 0..400 × 0..200 m in 100 m squares, 8 cells, positions
 * numbered by row from the south-west:
 *
 *   row 1:  4 (0:1)   5 (1:1)   6 (2:1)   7 (3:1)
 *   row 0:  0 (0:0)   1 (1:0)   2 (2:0)   3 (3:0)
 *
 * Training (forecast for March 2024):
 *   3 reports in January at (50, 50)    -> cell 0
 *   2 reports in February at (150, 150) -> cell 5
 *   1 report in February at (350, 50)   -> cell 3
 * Test month March: 3 reports in cell 5, 2 in cell 6, 1 in cell 3, and 1 outside the area
 * (x = -50), so N = 7 reports and no ranking can hit more than 6.
 */
const RECT: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [400, 0],
      [400, 200],
      [0, 200],
      [0, 0],
    ],
  ],
};
const at = (x: number, y: number, t: string, n: number) =>
  Array.from({ length: n }, () => ({ x, y, t }));
const RECORDS = [
  ...at(50, 50, '2024-01-15', 3),
  ...at(150, 150, '2024-02-03', 2),
  ...at(350, 50, '2024-02-20', 1),
  ...at(150, 150, '2024-03-01', 3),
  ...at(250, 150, '2024-03-09', 2),
  ...at(350, 50, '2024-03-30', 1),
  ...at(-50, 50, '2024-03-12', 1),
];
const MARCH = monthOrdinal('2024-03');
const JANUARY = monthOrdinal('2024-01');

function setup() {
  const lattice = squareLattice(RECT, 100);
  const prepared = prepareRecords(lattice, RECORDS);
  const { observed, reports } = observedInMonth(lattice, prepared, MARCH);
  const score = (method: ForecastMethod, params = {}) =>
    scoreCells(lattice, prepared, { method, targetMonth: MARCH, firstMonth: JANUARY, params });
  return { lattice, prepared, observed, reports, score };
}

describe('square lattice', () => {
  it('holds the cells whose centres are inside, by row then column, holes left out', () => {
    const { lattice } = setup();
    expect(latticeSize(lattice)).toBe(8);
    expect(Array.from({ length: 8 }, (_, p) => latticeCellId(lattice, p))).toEqual([
      '0:0',
      '1:0',
      '2:0',
      '3:0',
      '0:1',
      '1:1',
      '2:1',
      '3:1',
    ]);
    // A 300 m square with a 100 m hole in the middle: 9 centres, the middle one in the hole.
    const holed = squareLattice(
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [300, 0],
            [300, 300],
            [0, 300],
            [0, 0],
          ],
          [
            [100, 100],
            [200, 100],
            [200, 200],
            [100, 200],
            [100, 100],
          ],
        ],
      },
      100,
    );
    expect(latticeSize(holed)).toBe(8);
    expect(Array.from({ length: 8 }, (_, p) => latticeCellId(holed, p))).not.toContain('1:1');
  });
});

describe('forecast scores, hand-worked', () => {
  it('naive counts: 3, 0, 0, 1, 0, 2, 0, 0', () => {
    expect(Array.from(setup().score('naive'))).toEqual([3, 0, 0, 1, 0, 2, 0, 0]);
  });

  it('recency, half-life 1 month: January counts 0.5 (two months ago), February 1', () => {
    expect(Array.from(setup().score('recency', { halfLifeMonths: 1 }))).toEqual([
      1.5, 0, 0, 1, 0, 2, 0, 0,
    ]);
  });

  it('prospective, 100 m radius in 100 m bands: 1/(1+band) × 1/(1+months ago-1)', () => {
    /*
     * January's 3 reports weigh 1/2 each (1.5): cell 0 (band 0) +1.5; cells 1 and 4 (100 m,
     * band 1) +0.75 each; cell 5 (141 m) is out of reach.
     * February's 2 at (150,150) weigh 1 each (2): cell 5 +2; cells 1, 4, 6 (100 m) +1 each.
     * February's 1 at (350,50): cell 3 +1; cells 2 and 7 (100 m) +0.5 each.
     */
    expect(
      Array.from(
        setup().score('prospective', { radiusMeters: 100, bandMeters: 100, timeWindowMonths: 2 }),
      ),
    ).toEqual([1.5, 1.75, 0.5, 1, 1.75, 2, 1, 0.5]);
    // A one-month window drops January.
    expect(
      Array.from(
        setup().score('prospective', { radiusMeters: 100, bandMeters: 100, timeWindowMonths: 1 }),
      ),
    ).toEqual([0, 1, 0.5, 1, 1, 2, 1, 0.5]);
  });
});

describe('counts with neighbours (blended), hand-worked', () => {
  const PROSPECTIVE = { radiusMeters: 100, bandMeters: 100, timeWindowMonths: 2 };

  it('weight 2: counts + 2 × prospective', () => {
    // Counts 3, 0, 0, 1, 0, 2, 0, 0 plus twice 1.5, 1.75, 0.5, 1, 1.75, 2, 1, 0.5.
    expect(Array.from(setup().score('blended', { ...PROSPECTIVE, blendWeight: 2 }))).toEqual([
      6, 3.5, 1, 3, 3.5, 6, 2, 1,
    ]);
  });

  it('weight 0: naive order, ties and empty squares ordered by the prospective score', () => {
    const { observed, reports, score } = setup();
    // Prospective scaled by 1/(1 + max 2): counts + 0.5, 0.583, 0.167, 0.333, 0.583, 0.667, ...
    const blended = score('blended', PROSPECTIVE);
    expect(blended[0]).toBeCloseTo(3.5, 12);
    expect(blended[1]).toBeCloseTo(1.75 / 3, 12);
    // At 75 % (6 cells) naive flags only its 3 squares with reports; the blend keeps them first
    // and fills on with 1 and 4 (tied at 1.75: lower position), then 6.
    const naive = rankCells(score('naive'), 0.75);
    const filled = rankCells(blended, 0.75);
    expect(naive).toEqual([0, 5, 3]);
    expect(filled).toEqual([0, 5, 3, 1, 4, 6]);
    // March: 3 in cell 5, 2 in cell 6, 1 in cell 3: naive 4 hits, the blend 6.
    expect(scoreFlagged(naive, observed, reports).hits).toBe(4);
    expect(scoreFlagged(filled, observed, reports).hits).toBe(6);
  });

  it('refuses a negative weight, naming it', () => {
    expect(() => setup().score('blended', { blendWeight: -1 })).toThrow(/blendWeight/);
  });
});

describe('top positions', () => {
  it('are the first cells of the full ranking, ties by position, for every cut, as a set too', () => {
    // Many ties and zeros: values 0..4 in a fixed scramble.
    const scores = Float64Array.from({ length: 200 }, (_, k) => (k * 37) % 5);
    const full = rankedPositions(scores);
    for (const take of [0, 1, 39, 40, 41, 100, 160, 200]) {
      expect(topPositions(scores, take)).toEqual(full.slice(0, take));
      expect(topSet(scores, take)).toEqual(full.slice(0, take).sort((x, y) => x - y));
    }
    // Several cuts at once, in any order, beyond the positive cells too, and the same cut twice
    // (two coverages that floor to as many cells), which once took every positive cell.
    const takes = [100, 1, 300, 39, 0, 160, 39, 100];
    expect(topSets(scores, takes)).toEqual(
      takes.map((t) => full.slice(0, t).sort((x, y) => x - y)),
    );
  });
});

describe('ranking and hit rate / PAI / PEI, hand-worked', () => {
  /*
   * N = 7. The best k cells by March counts hold 3, 5, 6, 6, ... reports.
   *
   * | method        | coverage | cells flagged        | hits | hit rate | PAI = rate/(k/8) | PEI = hits/best |
   * | naive         | 0.125    | 0                    | 0    | 0        | 0                | 0/3 = 0         |
   * | recency (hl1) | 0.125    | 5                    | 3    | 3/7      | 24/7             | 3/3 = 1         |
   * | naive         | 0.25     | 0, 5                 | 3    | 3/7      | 12/7             | 3/5             |
   * | naive         | 0.5      | 0, 5, 3 (3 positive) | 4    | 4/7      | 32/21            | 4/6             |
   * | prospective   | 0.5      | 5, 1, 4, 0           | 3    | 3/7      | 6/7              | 3/6             |
   * | prospective   | 0.75     | 5, 1, 4, 0, 3, 6     | 6    | 6/7      | 8/7              | 6/6             |
   *
   * Prospective ties (cells 1 and 4 at 1.75, 3 and 6 at 1) go to the lower position.
   */
  const PROSPECTIVE = { radiusMeters: 100, bandMeters: 100, timeWindowMonths: 2 };
  const cases = [
    { method: 'naive', params: {}, coverage: 0.125, cells: [0], hits: 0, pai: 0, pei: 0 },
    {
      method: 'recency',
      params: { halfLifeMonths: 1 },
      coverage: 0.125,
      cells: [5],
      hits: 3,
      pai: 24 / 7,
      pei: 1,
    },
    {
      method: 'naive',
      params: {},
      coverage: 0.25,
      cells: [0, 5],
      hits: 3,
      pai: 12 / 7,
      pei: 3 / 5,
    },
    {
      method: 'naive',
      params: {},
      coverage: 0.5,
      cells: [0, 5, 3],
      hits: 4,
      pai: 32 / 21,
      pei: 4 / 6,
    },
    {
      method: 'prospective',
      params: PROSPECTIVE,
      coverage: 0.5,
      cells: [5, 1, 4, 0],
      hits: 3,
      pai: 6 / 7,
      pei: 3 / 6,
    },
    {
      method: 'prospective',
      params: PROSPECTIVE,
      coverage: 0.75,
      cells: [5, 1, 4, 0, 3, 6],
      hits: 6,
      pai: 8 / 7,
      pei: 1,
    },
  ] as const;

  it.each(cases)('$method at $coverage', (c) => {
    const { observed, reports, score } = setup();
    expect(reports).toBe(7);
    const flagged = rankCells(score(c.method, c.params), c.coverage);
    expect(flagged).toEqual(c.cells);
    const s = scoreFlagged(flagged, observed, reports);
    expect(s.hits).toBe(c.hits);
    expect(s.hitRate).toBeCloseTo(c.hits / 7, 12);
    expect(s.areaFraction).toBeCloseTo(c.cells.length / 8, 12);
    expect(s.pai!).toBeCloseTo(c.pai, 12);
    expect(s.pei!).toBeCloseTo(c.pei, 12);
  });

  it('reports no PAI, not NaN, when nothing is flagged or nothing fell', () => {
    const { observed, reports } = setup();
    expect(scoreFlagged([], observed, reports)).toMatchObject({ hitRate: 0, pai: null, pei: null });
    expect(scoreFlagged([0], new Int32Array(8), 0)).toMatchObject({ pai: null, pei: null });
  });
});

describe('backtest', () => {
  it('trains on the months before each test month and sets naive beside every row', () => {
    const { lattice, prepared } = setup();
    const rows = backtest(lattice, prepared, {
      from: '2024-01',
      to: '2024-03',
      coverages: [0.125, 0.25],
      methods: ['naive', 'recency'],
      params: { halfLifeMonths: 1 },
    });
    expect(
      rows.map((r) => `${r.method} ${r.trainFrom}..${r.trainTo}->${r.testMonth} ${r.coverage}`),
    ).toEqual([
      'naive 2024-01..2024-01->2024-02 0.125',
      'naive 2024-01..2024-01->2024-02 0.25',
      'recency 2024-01..2024-01->2024-02 0.125',
      'recency 2024-01..2024-01->2024-02 0.25',
      'naive 2024-01..2024-02->2024-03 0.125',
      'naive 2024-01..2024-02->2024-03 0.25',
      'recency 2024-01..2024-02->2024-03 0.125',
      'recency 2024-01..2024-02->2024-03 0.25',
    ]);
    // February from January: only cell 0 scores; February's 3 reports are in cells 5 and 3.
    expect(rows[0]!.score).toMatchObject({ hits: 0, reports: 3, flaggedCells: 1 });
    // March, 1 cell: naive picks cell 0 (0 hits), recency cell 5 (3 hits) - the table above.
    expect(rows[6]!.score.hits).toBe(3);
    expect(rows[6]!.naive.hits).toBe(0);
    expect(bestMethod(rows)).toBe('recency');
    expect(backtestSummary(rows, 'recency', 0.25)).toBe(
      "Last 2 months: the recency forecast's top 25 % of the area held 30 % of reports; naive prior counts 30 %.",
    );
  });

  it('keeps naive as the default when no method strictly beats it', () => {
    const { lattice, prepared } = setup();
    const rows = backtest(lattice, prepared, {
      from: '2024-01',
      to: '2024-03',
      coverages: [0.25],
      methods: ['naive', 'recency'],
      params: { halfLifeMonths: 1 },
    });
    // At 25 % both flag cells 0 and 5 in March and cell 0 in February: a tie.
    expect(rows.filter((r) => r.method === 'recency').map((r) => r.score.hits)).toEqual(
      rows.filter((r) => r.method === 'naive').map((r) => r.score.hits),
    );
    expect(bestMethod(rows)).toBe('naive');
  });

  it('refuses a single month and bad months, naming the parameter', () => {
    const { lattice, prepared } = setup();
    const run = (from: string, to: string) =>
      backtest(lattice, prepared, { from, to, coverages: [0.05], methods: ['naive'] });
    expect(() => run('2024-03', '2024-03')).toThrow(/two months/);
    expect(() => run('2024-13', '2024-03')).toThrow(/from must be a month/);
    expect(() => run('2024-03', '2024-01')).toThrow(/not be before/);
  });

  it('tunes the blend weight for each test month on the months before it only', () => {
    const { lattice, prepared } = setup();
    const run = (records: typeof prepared) =>
      backtest(lattice, records, {
        from: '2024-01',
        to: '2024-03',
        coverages: [0.5],
        methods: ['blended'],
        params: { radiusMeters: 100, bandMeters: 100, timeWindowMonths: 2 },
      });
    const rows = run(prepared);
    // February has no earlier test month: the first weight, 0.
    expect(rows.map((r) => r.blendWeight)).toEqual([BLEND_WEIGHTS[0], expect.any(Number)]);
    expect(BLEND_WEIGHTS).toContain(rows[1]!.blendWeight);
    // Moving March's reports elsewhere changes March's hits, never the weight March used.
    const moved = prepareRecords(
      lattice,
      RECORDS.map((r) => (r.t.startsWith('2024-03') ? { ...r, x: 50, y: 150 } : r)),
    );
    const again = run(moved);
    expect(again[1]!.blendWeight).toBe(rows[1]!.blendWeight);
    expect(again[1]!.score.hits).not.toBe(rows[1]!.score.hits);
  });
});

describe('the default forecast', () => {
  it('is the best method of a backtest of the training months, with its tuned weight', () => {
    const { lattice, prepared } = setup();
    const choice = chooseForecast(lattice, prepared, {
      from: '2024-01',
      to: '2024-03',
      coverage: 0.25,
    });
    expect(choice.rows.map((r) => r.testMonth)).toContain('2024-03');
    expect(choice.rows.every((r) => r.testMonth <= '2024-03')).toBe(true);
    expect(choice.method).toBe(bestMethod(choice.rows));
    expect(BLEND_WEIGHTS).toContain(choice.params.blendWeight);
  });

  it('is counts with neighbours breaking ties when one training month leaves nothing to test', () => {
    const { lattice, prepared } = setup();
    const choice = chooseForecast(lattice, prepared, {
      from: '2024-02',
      to: '2024-02',
      coverage: 0.25,
    });
    expect(choice).toMatchObject({ method: 'blended', params: { blendWeight: 0 }, rows: [] });
  });
});
