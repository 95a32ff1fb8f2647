import {
  type BenchResult,
  backtest,
  chooseForecast,
  FORECAST_METHODS,
  type ForecastMethod,
  type ForecastParams,
  monthOfOrdinal,
  monthOrdinal,
  prepareColumns,
  rankCells,
  scoreCells,
} from '@hotspot/analysis';
import { sql } from 'kysely';
import { openBenchDatabase } from '../layers/bench-database.ts';
import { forecastFeatures, latticeFor } from './forecast.queries.ts';
import { loadLayerState, studyAreaBng } from './layer-response.ts';
import { resolveFilters, selectRecordMonths } from './record-query.ts';

const NO_FILTERS = {
  category: [],
  placeType: [],
  sourceAgency: [],
  sourceGrade: [],
  intelligenceGrade: [],
  handlingCode: [],
};

/**
 * The forecast routes' work on 100,000 demo records over the demo partnership, on PostgreSQL
 * when BENCH_DATABASE_URL or TEST_DATABASE_URL is set: a backtest of 12 test months × every
 * method (naive, recency, prospective and the blend, its weight tuned month by month) × 3
 * coverages (records selected with PostGIS for 13 months, the lattice, every month scored), and
 * the default forecast from 3 training months (the method and blend weight chosen by a backtest
 * of those months, as on a first request, then scored, ranked and written as the route's GeoJSON
 * squares in WGS84). Each is the median of 3 runs
 * after one warm-up, so the lattice comes from the routes' cache, as for every request after
 * the first. The issue's targets (backtest <= 5 s, forecast <= 500 ms on PostgreSQL) are
 * printed beside the figures, never asserted in a test.
 */
export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const count = opts.quick ? 20_000 : 100_000;
  const bench = await openBenchDatabase(count);
  const results: BenchResult[] = [];
  try {
    const now = new Date();
    const last = monthOrdinal(now.toISOString()) - 1;
    // The demo spreads its records over the 18 months up to today; the backtest reads 13 whole
    // months. Move the rest into those months (6 months on, or back into last month), so the
    // backtest reads all 100,000 records, as the issue's target says.
    const windowStart = `${monthOfOrdinal(last - 12)}-01`;
    const windowEnd = `${monthOfOrdinal(last + 1)}-01`;
    await sql`update intelligence_record set reported_on = case
        when reported_on < ${windowStart}::date then (reported_on + interval '6 months')::date
        else (reported_on - interval '1 month')::date end
      where partnership_id = ${bench.partnershipId}
        and (reported_on < ${windowStart}::date or reported_on >= ${windowEnd}::date)`.execute(
      bench.db.kysely,
    );
    const state = await loadLayerState(bench.db, bench.partnershipId);
    if (!studyAreaBng(state)) throw new Error('The demo partnership has no area.');
    const lastDay = (ordinal: number) =>
      new Date(Date.UTC(Math.floor(ordinal / 12), (ordinal % 12) + 1, 0))
        .toISOString()
        .slice(0, 10);
    const select = (first: number, to: number) =>
      selectRecordMonths(bench.db, {
        partnershipId: bench.partnershipId,
        filters: resolveFilters(
          { ...NO_FILTERS, from: `${monthOfOrdinal(first)}-01`, to: lastDay(to) },
          now,
        ),
        includeHandlingC: true,
      });
    // Parts of each run timed apart too, their medians given in a note: selecting the records
    // with PostGIS and writing the forecast's GeoJSON; the rest is the lattice, scoring and
    // ranking in packages/analysis.
    const parts = new Map<string, number>();
    const timed = async <T>(part: string, work: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      const result = await work();
      parts.set(part, (parts.get(part) ?? 0) + performance.now() - t);
      return result;
    };
    const median = async (work: () => Promise<unknown>) => {
      await work();
      const runs: Map<string, number>[] = [];
      const timings: number[] = [];
      for (let i = 0; i < 3; i++) {
        parts.clear();
        const t = performance.now();
        await work();
        timings.push(performance.now() - t);
        runs.push(new Map(parts));
      }
      const middle = (values: number[]) => values.sort((x, y) => x - y)[1]!;
      const names = [...runs[0]!.keys()];
      return {
        ms: middle(timings),
        note: `of which (medians) ${names.map((n) => `${n} ${middle(runs.map((r) => r.get(n) ?? 0)).toFixed(0)} ms`).join(', ')}`,
      };
    };
    for (const sizeMeters of [250, 50]) {
      let cells = 0;
      let records = 0;
      const { ms: backtestMs, note: backtestNote } = await median(async () => {
        const lattice = latticeFor(state, sizeMeters, 13);
        cells = lattice.is.length;
        const columns = await timed('selecting the records', () => select(last - 12, last));
        records = columns.xs.length;
        backtest(lattice, prepareColumns(lattice, columns), {
          from: monthOfOrdinal(last - 12),
          to: monthOfOrdinal(last),
          coverages: [0.01, 0.05, 0.1],
          methods: FORECAST_METHODS,
        });
      });
      results.push({
        name: `backtest 12 months x ${FORECAST_METHODS.length} methods x 3 coverages, ${records} records, ${sizeMeters} m squares (${cells} cells, ${bench.kind})`,
        value: backtestMs,
        unit: 'ms',
        budget: '<= 5000 ms (issue 17)',
        pass: backtestMs <= 5000,
        note: backtestNote,
      });
      // The default forecast as a first request per data version makes it (the method and
      // blend weight chosen by a backtest of the training months), and as every later request
      // does, with the choice kept (forecast-tuning.ts) or a method named.
      for (const choose of [true, false]) {
        let chosen: ForecastMethod = 'blended';
        let choiceParams: Partial<ForecastParams> = {};
        const { ms: forecastMs, note: forecastNote } = await median(async () => {
          // As the route: the lattice comes from its cache after the first request.
          const lattice = latticeFor(state, sizeMeters, 3);
          const columns = await timed('selecting the records', () => select(last - 2, last));
          records = columns.xs.length;
          const prepared = prepareColumns(lattice, columns);
          if (choose) {
            const choice = chooseForecast(lattice, prepared, {
              from: monthOfOrdinal(last - 2),
              to: monthOfOrdinal(last),
              coverage: 0.05,
            });
            chosen = choice.method;
            choiceParams = choice.params;
          }
          const scores = scoreCells(lattice, prepared, {
            method: chosen,
            targetMonth: last + 1,
            firstMonth: last - 2,
            params: choiceParams,
          });
          const flagged = rankCells(scores, 0.05);
          // The route's response body: the flagged squares as GeoJSON in WGS84.
          await timed('GeoJSON', () =>
            JSON.stringify({
              type: 'FeatureCollection',
              features: forecastFeatures(lattice, flagged, scores),
            }),
          );
        });
        results.push({
          name: choose
            ? `forecast (default, chosen by a backtest of the training months: ${chosen}) from 3 months, ${records} records, ${sizeMeters} m squares, as GeoJSON (${bench.kind})`
            : `forecast (choice kept or method named: blended) from 3 months, ${records} records, ${sizeMeters} m squares, as GeoJSON (${bench.kind})`,
          value: forecastMs,
          unit: 'ms',
          budget: '<= 500 ms (issue 17)',
          pass: forecastMs <= 500,
          note: forecastNote,
        });
      }
    }
  } finally {
    await bench.close();
  }
  return results;
}
