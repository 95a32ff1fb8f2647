// The evidence for the Gi* and kernel density defaults (parameters.ts): trained on three months
// and scored on the next at 5 % of the area, the chosen defaults catch more of the next month's
// reports than the rules they replaced, on police.uk crime and on CSE-density synthetic data.
import {
  aggregateToHexes,
  chooseForecast,
  dbscan,
  FORECAST_SIZES,
  hexesCoveringArea,
  hexHotspots,
  hexIndexAt,
  kernelDensity,
  monthOrdinal,
  observedInMonth,
  prepareRecords,
  rankCells,
  scoreCells,
  scoreFlagged,
  squareLattice,
  type TimedPoint,
} from '@hotspot/analysis';
import { northWorcestershire, POLICE_UK_MONTHS, policeUkBytes } from '@hotspot/fixtures';
import { lngLatToBng } from '@hotspot/ingest';
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticRecords } from '../demo/index.ts';
import { clusterOutline } from './cluster-outline.ts';
import { defaultDistanceMeters, PARAMETERS } from './parameters.ts';

const COVERAGE = 0.05;
const HEX = PARAMETERS.sizeMeters.builtIn;
const BANDWIDTH = PARAMETERS.bandwidthMeters.builtIn;
const KDE_CELL = 50;

type Split = { train: TimedPoint[]; test: TimedPoint[] };
let area: MultiPolygon;
let policeUk: Split[];
let synthetic: Split[];

beforeAll(() => {
  area = {
    type: 'MultiPolygon',
    coordinates: northWorcestershire().features.flatMap((f) =>
      (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).map(
        (polygon) =>
          polygon.map((ring) => ring.map(([lng, lat]) => lngLatToBng(lng!, lat!) as Position)),
      ),
    ),
  };
  const inArea = (lng: number, lat: number, t: string): TimedPoint[] => {
    const [x, y] = lngLatToBng(lng, lat);
    return booleanPointInPolygon([x!, y!], area) ? [{ x: x!, y: y!, t }] : [];
  };
  // police.uk: a simple split of the CSV (no quoted commas before the coordinates).
  const crimes = POLICE_UK_MONTHS.flatMap((month) =>
    policeUkBytes(month)
      .toString('utf8')
      .split('\n')
      .slice(1)
      .flatMap((line) => {
        const cells = line.split(',');
        return cells[4] && cells[5] ? inArea(Number(cells[4]), Number(cells[5]), month) : [];
      }),
  );
  policeUk = [
    {
      train: crimes.filter((p) => p.t !== '2024-04'),
      test: crimes.filter((p) => p.t === '2024-04'),
    },
  ];
  // CSE intelligence density: 600 synthetic records over 18 months; the last 6 months each
  // scored from the 3 before.
  const records = generateSyntheticRecords(
    northWorcestershire(),
    new Date('2025-07-01T00:00:00Z'),
    {
      count: 600,
      seed: 7,
    },
  ).flatMap((r) => inArea(r.lng, r.lat, r.reportedOn.slice(0, 7)));
  const months = [...new Set(records.map((r) => String(r.t)))].sort();
  synthetic = months.slice(-6).map((month) => {
    const k = months.indexOf(month);
    return {
      train: records.filter((r) => String(r.t) >= months[k - 3]! && String(r.t) < month),
      test: records.filter((r) => r.t === month),
    };
  });
}, 120_000);

/** Reports of the test months in the top-scoring hexagons covering 5 % of the area, pooled. */
function hexHitRate(splits: Split[], score: (train: TimedPoint[]) => Map<string, number>) {
  const cells = hexesCoveringArea(area, HEX).length;
  let hits = 0;
  let reports = 0;
  for (const { train, test } of splits) {
    const scores = score(train);
    const flagged = new Set(
      [...scores.entries()]
        .filter(([, s]) => s > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, Math.floor(cells * COVERAGE))
        .map(([id]) => id),
    );
    for (const p of test) {
      const { i, j } = hexIndexAt(p.x, p.y, HEX);
      if (flagged.has(`${i}:${j}`)) hits += 1;
    }
    reports += test.length;
  }
  return hits / reports;
}

const gistar = (distanceMeters?: number) => (train: TimedPoint[]) =>
  new Map(
    hexHotspots(train, {
      sizeMeters: HEX,
      studyArea: area,
      ...(distanceMeters ? { distanceMeters } : {}),
    }).cells.map((c) => [c.id, c.z]),
  );

/** The same for a kernel density surface in 50 m cells (5 % of the area's surveyed size). */
function kdeHitRate(splits: Split[], bandwidthMeters?: number) {
  const cells = aggregateToHexes([], { sizeMeters: HEX, studyArea: area }).length;
  const areaSquareMeters = cells * 1.5 * Math.sqrt(3) * HEX * HEX;
  const take = Math.floor((areaSquareMeters * COVERAGE) / (KDE_CELL * KDE_CELL));
  let hits = 0;
  let reports = 0;
  for (const { train, test } of splits) {
    const { surface: s } = kernelDensity(train, {
      ...(bandwidthMeters ? { bandwidthMeters } : {}),
      cellSizeMeters: KDE_CELL,
      contours: false,
    });
    const order = Array.from(s.values.keys())
      .filter((k) => s.values[k]! > 0)
      .sort((a, b) => s.values[b]! - s.values[a]!);
    const flagged = new Set(order.slice(0, take));
    for (const p of test) {
      const c = Math.floor((p.x - s.originX) / KDE_CELL);
      const r = Math.floor((p.y - s.originY) / KDE_CELL);
      if (c >= 0 && r >= 0 && c < s.cols && r < s.rows && flagged.has(r * s.cols + c)) hits += 1;
    }
    reports += test.length;
  }
  return hits / reports;
}

/** Even-odd test of a point against a closed ring. */
function insideRing(ring: readonly number[][], x: number, y: number): boolean {
  let inside = false;
  for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
    const [xi, yi] = ring[k] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * DBSCAN on the training months, its clusters drawn as the map draws them (clusterOutline), and
 * the test months' reports inside any outline, pooled; with the largest share of the area the
 * outlines covered in any split (10 m raster of their union).
 */
function dbscanHitRate(splits: Split[], epsMeters: number, minPoints: number) {
  const cells = aggregateToHexes([], { sizeMeters: HEX, studyArea: area }).length;
  const areaSquareMeters = cells * 1.5 * Math.sqrt(3) * HEX * HEX;
  const raster = 10;
  let hits = 0;
  let reports = 0;
  let areaFraction = 0;
  for (const { train, test } of splits) {
    const rings = dbscan(train, { epsMeters, minPoints }).clusters.map(
      (c) => clusterOutline(c.bbox).coordinates[0]!,
    );
    const covered = new Set<string>();
    for (const ring of rings) {
      const xs = ring.map((p) => p[0]!);
      const ys = ring.map((p) => p[1]!);
      for (let i = Math.floor(Math.min(...xs) / raster); i <= Math.max(...xs) / raster; i++) {
        for (let j = Math.floor(Math.min(...ys) / raster); j <= Math.max(...ys) / raster; j++) {
          if (insideRing(ring, (i + 0.5) * raster, (j + 0.5) * raster)) covered.add(`${i}:${j}`);
        }
      }
    }
    areaFraction = Math.max(areaFraction, (covered.size * raster * raster) / areaSquareMeters);
    for (const p of test) if (rings.some((ring) => insideRing(ring, p.x, p.y))) hits += 1;
    reports += test.length;
  }
  return { hitRate: hits / reports, areaFraction };
}

describe.each([
  ['police.uk West Mercia, Jan-Mar 2024 -> April', () => policeUk],
  ['synthetic CSE-density intelligence, 6 months', () => synthetic],
])('defaults that fit the data: %s', (_name, splits) => {
  it('the first-ring Gi* band beats the nearest-neighbour band', () => {
    const chosen = hexHitRate(splits(), gistar(defaultDistanceMeters(HEX)));
    const previous = hexHitRate(splits(), gistar());
    // police.uk 57.9 % against 42.9 %; synthetic 88.5 % against 83.0 %.
    expect(chosen).toBeGreaterThan(previous);
  });

  it('the 400 m KDE bandwidth beats the spread-based rule', () => {
    // police.uk 66.3 % against 47.1 %; synthetic 87.7 % against 71.1 %.
    expect(kdeHitRate(splits(), BANDWIDTH)).toBeGreaterThan(kdeHitRate(splits()));
  });

  it('DBSCAN at 150 m and 5 reports beats 100 m, its clusters inside the forecast’s 5 % budget', () => {
    const eps = PARAMETERS.epsMeters.builtIn;
    const minPoints = PARAMETERS.minPoints.builtIn;
    const chosen = dbscanHitRate(splits(), eps, minPoints);
    const previous = dbscanHitRate(splits(), 100, 5);
    // police.uk 69.0 % of April in clusters covering 2.7 % of the area, against 53.5 % (0.6 %);
    // synthetic 36.2 % (0.08 %) against 26.0 % (0.04 %).
    expect(chosen.hitRate).toBeGreaterThan(previous.hitRate);
    expect(chosen.areaFraction).toBeLessThan(COVERAGE);
    // 200 m, the next step of the grid, takes police.uk clusters past the budget (6.8 %).
    if (splits() === policeUk) {
      expect(dbscanHitRate(splits(), 200, minPoints).areaFraction).toBeGreaterThan(COVERAGE);
    }
  });
});

/**
 * The forecast's default against naive counts in the product's default squares, at 5 %: each
 * split's test month forecast from its training months, the default chosen on those alone.
 */
function forecastHits(splits: Split[]) {
  const lattice = squareLattice(area, FORECAST_SIZES[0]);
  let chosen = 0;
  let naive = 0;
  let reports = 0;
  for (const { train, test } of splits) {
    const months = [...new Set(train.map((p) => String(p.t)))].sort();
    const target = monthOrdinal(String(test[0]!.t));
    const prepared = prepareRecords(lattice, [...train, ...test]);
    const choice = chooseForecast(lattice, prepared, {
      from: months[0]!,
      to: months[months.length - 1]!,
      coverage: COVERAGE,
    });
    const { observed, reports: n } = observedInMonth(lattice, prepared, target);
    const flagged = (method: typeof choice.method) =>
      rankCells(
        scoreCells(lattice, prepared, {
          method,
          targetMonth: target,
          firstMonth: monthOrdinal(months[0]!),
          params: choice.params,
        }),
        COVERAGE,
      );
    chosen += scoreFlagged(flagged(choice.method), observed, n).hits;
    naive += scoreFlagged(flagged('naive'), observed, n).hits;
    reports += n;
  }
  return { chosen: chosen / reports, naive: naive / reports };
}

describe('the forecast default against naive counts, 50 m squares, 5 % of the area', () => {
  it('on police.uk (April from Jan-Mar) and on CSE-density data it catches more', () => {
    // police.uk 85.4 % against 81.1 %. Synthetic (the last 6 months, each from the 3 before,
    // 235 reports): 81.7 % against 25.1 %, since at this density naive counts flag a sliver of
    // the area and leave the rest of the 5 % empty.
    const real = forecastHits(policeUk);
    const sparse = forecastHits(synthetic);
    expect(real.chosen).toBeGreaterThan(real.naive);
    expect(sparse.chosen).toBeGreaterThan(sparse.naive);
  });
});
