import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { BenchResult } from '@hotspot/analysis';
import { createApp } from '../../app.ts';
import { openBenchDatabase } from './bench-database.ts';
import { generateLoad } from './load-generator.ts';

const P99_BUDGET_MS = 150;
const CONNECTIONS = 50;
/** Cold first request with 1,000,000 records on PostgreSQL (issue 15). */
const COLD_BUDGET_MS = 500;

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * 50 concurrent clients (wrk when installed, else autocannon; see load-generator.ts) on GET /api/layers/hexagons (as the tasking chair, so through disclosure
 * control, auditing every request) for 30 s (10 s quick), on a real server over loopback with
 * 100,000 synthetic records (`--records N` or BENCH_RECORDS to change); GET /api/health the same way as the in-run baseline. The layer
 * requests send `accept-encoding: gzip` as every browser does, so they get the gzip body.
 */
export async function run(opts: { quick: boolean; records?: number }): Promise<BenchResult[]> {
  const seconds = opts.quick ? 10 : 30;
  // `--records` (or BENCH_RECORDS) reruns the same measurement at another scale: 1,000,000 on
  // PostgreSQL checks the cold budget (infra/SCALING.md).
  const records = opts.records ?? Number(process.env.BENCH_RECORDS ?? 100_000);
  const bench = await openBenchDatabase(records);
  const app = createApp(bench.deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  try {
    const chair = bench.users.find((u) => u.role === 'chair')!;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email: chair.email, password: chair.password }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    const url = `${base}/api/layers/hexagons?sizeMeters=250`;
    // Warm once (computes and caches the body for this data version), then measure.
    const coldStarted = performance.now();
    const warm = await fetch(url, { headers: { cookie } });
    const coldMs = performance.now() - coldStarted;
    if (warm.status !== 200)
      throw new Error(`hexagon layer answered ${warm.status}: ${await warm.text()}`);
    const load = { connections: CONNECTIONS, seconds };
    const health = await generateLoad({ ...load, url: `${base}/api/health`, headers: {} });
    const layer = await generateLoad({
      ...load,
      url,
      headers: { cookie, 'accept-encoding': 'gzip' },
    });
    const coldBudget = bench.kind === 'postgres' && records >= 1_000_000;
    const label = `${bench.kind}, ${CONNECTIONS} clients, ${seconds} s, ${records.toLocaleString('en-GB')} records, accept-encoding gzip, ${layer.tool}`;
    const errors = layer.errors;
    return [
      {
        name: `GET /api/layers/hexagons first request, cold cache (${bench.kind}, ${records.toLocaleString('en-GB')} records)`,
        value: Math.round(coldMs),
        unit: 'ms',
        baseline: null,
        ratio: coldBudget ? coldMs / COLD_BUDGET_MS : null,
        // Issue 15's budget is for 1,000,000 records on PostgreSQL; other runs are reported only.
        budget: coldBudget ? `<= ${COLD_BUDGET_MS} ms` : null,
        pass: coldBudget ? coldMs <= COLD_BUDGET_MS : null,
      },
      {
        name: `GET /api/health requests/s (${label})`,
        value: round(health.requestsPerSecond),
        unit: 'req/s',
      },
      { name: `GET /api/health p99 (${label})`, value: round(health.p99Ms), unit: 'ms' },
      {
        name: `GET /api/layers/hexagons requests/s (${label})`,
        value: round(layer.requestsPerSecond),
        unit: 'req/s',
        baseline: round(health.requestsPerSecond),
        ratio: layer.requestsPerSecond / health.requestsPerSecond,
      },
      { name: `GET /api/layers/hexagons p50 (${label})`, value: round(layer.p50Ms), unit: 'ms' },
      {
        name: `GET /api/layers/hexagons p99 (${label})`,
        value: round(layer.p99Ms),
        unit: 'ms',
        baseline: round(health.p99Ms),
        ratio: layer.p99Ms / P99_BUDGET_MS,
        budget: `<= ${P99_BUDGET_MS} ms`,
        pass: layer.p99Ms <= P99_BUDGET_MS && errors === 0,
      },
      {
        name: `GET /api/layers/hexagons errors (${label})`,
        value: errors,
        unit: 'count',
        budget: '0',
        pass: errors === 0,
      },
    ];
  } finally {
    server.close();
    await bench.close();
  }
}
