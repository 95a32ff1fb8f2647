import {
  type BacktestRow,
  BacktestSchema,
  DefaultForecastMethodSchema,
  type ForecastMethodName,
  ForecastSchema,
} from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiFetch } from '../../api/api-fetch.ts';
import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import { ForecastMap } from './forecast-map.tsx';
import { type ChartSeries, LineChart } from './line-chart.tsx';

type Method = ForecastMethodName;

const COLOURS: Record<Method, string> = {
  naive: '#555555',
  recency: '#1b6ac9',
  prospective: '#c0392b',
  blended: '#1e8449',
};
const LABELS: Record<Method, string> = {
  naive: 'Naive prior counts',
  recency: 'Recency-weighted counts',
  prospective: 'Prospective hot-spotting',
  blended: 'Counts with neighbours',
};

const pct = (v: number) => `${Math.round(v * 100)} %`;
const fixed = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));

/** YYYY-MM of the month `back` months before this one. */
function monthBefore(back: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 7);
}

/** Mean of a figure over the test months, per method and coverage. */
function curve(
  rows: readonly BacktestRow[],
  method: Method,
  pick: (r: BacktestRow) => number | null,
) {
  const coverages = [...new Set(rows.map((r) => r.coverage))].sort((a, b) => a - b);
  return coverages.flatMap((x) => {
    const values = rows
      .filter((r) => r.method === method && r.coverage === x)
      .map(pick)
      .filter((v): v is number => v !== null);
    return values.length === 0 ? [] : [{ x, y: values.reduce((s, v) => s + v, 0) / values.length }];
  });
}

/**
 * Forecast & backtest (analysts): how each forecast method would have done month by month, with
 * naive prior counts beside it, and the partnership's default method.
 */
export function ForecastPage() {
  const [form, setForm] = useState({ from: monthBefore(7), to: monthBefore(1), sizeMeters: '50' });
  const [query, setQuery] = useState(form);
  const client = useQueryClient();
  const backtest = useQuery({
    queryKey: ['analysis', 'backtest', query],
    queryFn: ({ signal }) =>
      apiFetch(
        `/api/analysis/backtest?from=${query.from}&to=${query.to}&coverages=0.01,0.05,0.1&sizeMeters=${query.sizeMeters}`,
        BacktestSchema,
        { signal },
      ),
  });
  const forecast = useQuery({
    queryKey: ['analysis', 'forecast', query],
    queryFn: ({ signal }) =>
      apiFetch(
        `/api/analysis/forecast?from=${query.from}&to=${query.to}&coverage=0.05&sizeMeters=${query.sizeMeters}`,
        ForecastSchema,
        { signal },
      ),
  });
  const setDefault = useMutation({
    mutationFn: (method: Method) =>
      apiFetch('/api/analysis/forecast/default-method', DefaultForecastMethodSchema, {
        method: 'PUT',
        json: { method },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['analysis'] }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(form);
  };
  const data = backtest.data;
  const methods = data ? [...new Set(data.rows.map((r) => r.method))] : [];
  const series = (pick: (r: BacktestRow) => number | null): ChartSeries[] =>
    methods.map((m) => ({
      name: LABELS[m],
      colour: COLOURS[m],
      dashed: m === 'naive',
      points: curve(data?.rows ?? [], m, pick),
    }));

  return (
    <div className="page page--wide">
      <h1>Forecast &amp; backtest</h1>
      <p className="hint">
        Each method scores squares of the map from the months before; the backtest trains on the
        months up to each month and counts how many of that month’s reports fell in the top 1, 5 and
        10 % of the area. Naive prior counts are the baseline to beat.
      </p>
      <form className="inline-form" onSubmit={submit}>
        <label>
          From{' '}
          <input
            type="month"
            value={form.from}
            onChange={(e) => setForm({ ...form, from: e.target.value })}
          />
        </label>
        <label>
          To{' '}
          <input
            type="month"
            value={form.to}
            onChange={(e) => setForm({ ...form, to: e.target.value })}
          />
        </label>
        <label>
          Square size{' '}
          <select
            value={form.sizeMeters}
            onChange={(e) => setForm({ ...form, sizeMeters: e.target.value })}
          >
            <option value="50">50 m</option>
            <option value="100">100 m</option>
            <option value="250">250 m</option>
          </select>
        </label>
        <button className="button" type="submit">
          Run the backtest
        </button>
      </form>
      {backtest.isPending ? <LoadingNotice what="the backtest" /> : null}
      {backtest.error ? <ErrorNotice error={backtest.error} what="the backtest" /> : null}
      {data ? (
        <>
          <p className="lead" data-testid="backtest-summary">
            {data.summary}
          </p>
          <p>
            Best in this backtest: <strong>{LABELS[data.bestMethod]}</strong>. Partnership default:{' '}
            <strong data-testid="partnership-method">
              {data.partnershipMethod
                ? LABELS[data.partnershipMethod]
                : 'not set (the best in a backtest)'}
            </strong>
            .
          </p>
          <div className="button-row">
            {methods.map((m) => (
              <button
                key={m}
                type="button"
                className="button button--small"
                disabled={setDefault.isPending || data.partnershipMethod === m}
                onClick={() => setDefault.mutate(m)}
                title={data.methodExplanations[m]}
              >
                Use {LABELS[m].toLowerCase()}
              </button>
            ))}
          </div>
          {setDefault.error ? (
            <ErrorNotice error={setDefault.error} what="the default method" />
          ) : null}
          <div className="chart-row">
            <LineChart
              title="Hit rate over coverage"
              description="Share of each test month's reports in the flagged squares, averaged over the test months, for each method at 1, 5 and 10 % of the area."
              xLabel="Share of the area flagged"
              yLabel="Hit rate"
              series={series((r) => r.hitRate)}
              formatX={pct}
              formatY={pct}
            />
            <LineChart
              title="PAI over coverage"
              description="Predictive Accuracy Index (hit rate divided by the share of the area), averaged over the test months, for each method."
              xLabel="Share of the area flagged"
              yLabel="PAI"
              series={series((r) => r.pai)}
              formatX={pct}
              formatY={(y) => y.toFixed(0)}
            />
          </div>
          {forecast.data ? (
            <section aria-labelledby="forecast-heading" data-testid="forecast">
              <h2 id="forecast-heading">
                Forecast for {forecast.data.parameters.forecastMonth}:{' '}
                {forecast.data.features.length} squares
              </h2>
              <p className="hint">
                {`${LABELS[forecast.data.method]}${
                  forecast.data.method === 'blended'
                    ? ` (blend weight ${forecast.data.parameters.blendWeight})`
                    : ''
                } (chosen by ${forecast.data.methodChosenBy}), trained on ${query.from} to ${query.to}; the squares cover ${pct(forecast.data.areaFraction)} of the area (at most 5 %; squares no report points to are never flagged).`}
              </p>
              <p className="hint" data-testid="forecast-method-explanation">
                {forecast.data.methodExplanation}
              </p>
              <ForecastMap cells={forecast.data.features} />
            </section>
          ) : null}
          {forecast.error ? <ErrorNotice error={forecast.error} what="the forecast" /> : null}
          <table className="table table--compact" data-testid="backtest-table">
            <caption>Backtest, month by month: each method beside naive prior counts</caption>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">Test month</th>
                <th scope="col">Area</th>
                <th scope="col">Hit rate</th>
                <th scope="col">PAI</th>
                <th scope="col">PEI</th>
                <th scope="col">Naive hit rate</th>
                <th scope="col">Naive PAI</th>
                <th scope="col">Naive PEI</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={`${r.method}-${r.testMonth}-${r.coverage}`}>
                  <th scope="row">
                    {LABELS[r.method]}
                    {r.blendWeight === undefined ? '' : ` (weight ${r.blendWeight})`}
                  </th>
                  <td>{r.testMonth}</td>
                  <td>{pct(r.coverage)}</td>
                  <td>{pct(r.hitRate)}</td>
                  <td>{fixed(r.pai)}</td>
                  <td>{fixed(r.pei, 2)}</td>
                  <td>{pct(r.naive.hitRate)}</td>
                  <td>{fixed(r.naive.pai)}</td>
                  <td>{fixed(r.naive.pei, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
