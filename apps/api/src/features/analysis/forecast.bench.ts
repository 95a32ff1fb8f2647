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
import { latticeFor } from './forecast.routes.ts';
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
 * of those months, as on a first request, then scored and ranked). Each is the median of 3 runs
 * after one warm-up, so the lattice comes from the routes' cache, as for every request after
 * the first. The targets (backtest <= 5 s, forecast <= 500 ms on PostgreSQL) are
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
    // backtest reads all 100,000 records, as the target says.
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
    const median = async (work: () => Promise<unknown>) => {
      await work();
      const timings: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await work();
        timings.push(performance.now() - t);
      }
      return timings.sort((a, b) => a - b)[1]!;
    };
    for (const sizeMeters of [250, 50]) {
      let cells = 0;
      let records = 0;
      const backtestMs = await median(async () => {
        const lattice = latticeFor(state, sizeMeters, 13);
        cells = lattice.is.length;
        const columns = await select(last - 12, last);
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
      });
      // The default forecast as a first request per data version makes it (the method and
      // blend weight chosen by a backtest of the training months), and as every later request
      // does, with the choice kept (forecast-tuning.ts) or a method named.
      for (const choose of [true, false]) {
        let chosen: ForecastMethod = 'blended';
        let choiceParams: Partial<ForecastParams> = {};
        const forecastMs = await median(async () => {
          // As the route: the lattice comes from its cache after the first request.
          const lattice = latticeFor(state, sizeMeters, 3);
          const columns = await select(last - 2, last);
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
          rankCells(scores, 0.05);
        });
        results.push({
          name: choose
            ? `forecast (default, chosen by a backtest of the training months: ${chosen}) from 3 months, ${records} records, ${sizeMeters} m squares (${bench.kind})`
            : `forecast (choice kept or method named: blended) from 3 months, ${records} records, ${sizeMeters} m squares (${bench.kind})`,
          value: forecastMs,
          unit: 'ms',
          budget: '<= 500 ms (issue 17)',
          pass: forecastMs <= 500,
        });
      }
    }
  } finally {
    await bench.close();
  }
  return results;
}
