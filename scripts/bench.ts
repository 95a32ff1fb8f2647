/**
 * `npm run bench [-- --quick] [-- --write] [-- --only NAME] [-- --records N]`: runs every
 * benchmark the packages and features provide (NAME: the suites whose name contains it, e.g.
 * `analysis`, or one benchmark as `suite/name`, e.g. `analysis-api/forecast`), printing one JSON
 * line per figure
 * {name, value, unit, baseline, ratio, budget, pass}, then a summary table. `--write` also
 * regenerates docs/PERFORMANCE.md (never edited by hand) with the results and the machine.
 * Benchmarks that need PostgreSQL use BENCH_DATABASE_URL (or TEST_DATABASE_URL). `--records N`
 * seeds the layer benchmark with N records instead of 100,000: `--only layers --records 1000000`
 * on PostgreSQL measures the cold first request against its 500 ms budget at a million records.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface BenchResult {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly baseline?: number | null;
  readonly ratio?: number | null;
  readonly budget?: string | null;
  readonly pass?: boolean | null;
  readonly note?: string;
}
type BenchRun = (opts: { quick: boolean; records?: number }) => Promise<readonly BenchResult[]>;

const root = join(import.meta.dirname, '..');

// Every benchmark module of the repository; each exports `run({ quick })`.
const SUITES: readonly { name: string; load: () => Promise<Record<string, BenchRun>> }[] = [
  {
    name: 'analysis',
    load: async () => (await import('../packages/analysis/src/benchmarks.ts')).analysisBenchmarks,
  },
  {
    name: 'ingest',
    load: async () => ({ parse: (await import('../packages/ingest/src/ingest.bench.ts')).run }),
  },
  {
    name: 'analysis-api',
    load: async () => ({
      postgis: (await import('../apps/api/src/features/analysis/analysis.bench.ts')).run,
      forecast: (await import('../apps/api/src/features/analysis/forecast.bench.ts')).run,
    }),
  },
  {
    name: 'batches',
    load: async () => ({
      commit: (await import('../apps/api/src/features/batches/batches.bench.ts')).run,
    }),
  },
  {
    name: 'meetings',
    load: async () => ({
      pack: (await import('../apps/api/src/features/meetings/pack.bench.ts')).run,
    }),
  },
  {
    name: 'layers',
    load: async () => ({
      hexagons: (await import('../apps/api/src/features/layers/layers.bench.ts')).run,
    }),
  },
  {
    name: 'web',
    load: async () => ({ map: (await import('../apps/web/src/map.bench.ts')).run }),
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      only: { type: 'string' },
      records: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const records = values.records === undefined ? undefined : Number(values.records);
  if (records !== undefined && !(Number.isInteger(records) && records > 0)) {
    throw new Error(`--records takes a positive whole number, not "${values.records}"`);
  }
  const started = Date.now();
  const results: (BenchResult & { suite: string })[] = [];
  const failures: string[] = [];
  for (const suite of SUITES) {
    const only = values.only;
    if (only && !suite.name.includes(only) && !only.startsWith(`${suite.name}/`)) continue;
    const runs = await suite.load();
    for (const [name, run] of Object.entries(runs)) {
      if (only?.includes('/') && `${suite.name}/${name}` !== only) continue;
      try {
        for (const result of await run({ quick, ...(records ? { records } : {}) })) {
          const line = {
            name: result.name,
            value: result.value,
            unit: result.unit,
            baseline: result.baseline ?? null,
            ratio: result.ratio ?? null,
            budget: result.budget ?? null,
            pass: result.pass ?? null,
            ...(result.note ? { note: result.note } : {}),
          };
          process.stdout.write(`${JSON.stringify(line)}\n`);
          results.push({ ...line, suite: suite.name });
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${suite.name}/${name}: ${message}`);
        process.stderr.write(`benchmark ${suite.name}/${name} failed: ${message}\n`);
      }
    }
  }
  const table = summaryTable(results);
  process.stdout.write(`\n${table}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const failedBudgets = results.filter((r) => r.pass === false).map((r) => r.name);
  process.stdout.write(
    `${results.length} figures in ${seconds} s; budgets missed: ${failedBudgets.length ? failedBudgets.join(', ') : 'none'}; benchmarks failed: ${failures.length}\n`,
  );
  if (values.write) {
    writeFileSync(
      join(root, 'docs', 'PERFORMANCE.md'),
      performanceDoc(results, table, quick, seconds, failures),
    );
    process.stdout.write('wrote docs/PERFORMANCE.md\n');
  }
  if (failures.length > 0) process.exitCode = 1;
}

function format(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toPrecision(digits);
}

function summaryTable(results: readonly (BenchResult & { suite: string })[]): string {
  const rows = [
    ['benchmark', 'value', 'unit', 'baseline', 'ratio', 'budget', 'pass'],
    ...results.map((r) => [
      r.name,
      format(r.value),
      r.unit,
      format(r.baseline),
      format(r.ratio),
      r.budget ?? '—',
      r.pass === null || r.pass === undefined ? '—' : r.pass ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const postgres = (() => {
    try {
      return execSync('psql --version', { encoding: 'utf8' }).trim();
    } catch {
      return 'psql not found';
    }
  })();
  return [
    `- ${type()} ${process.arch}, ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Node.js ${process.version}; ${postgres}`,
    `- PostgreSQL benchmarks: ${process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'run' : 'not run (no BENCH_DATABASE_URL or TEST_DATABASE_URL)'}`,
  ].join('\n');
}

function performanceDoc(
  results: readonly (BenchResult & { suite: string })[],
  table: string,
  quick: boolean,
  seconds: string,
  failures: readonly string[],
): string {
  return `# Performance

Generated by \`npm run bench -- --write${quick ? ' --quick' : ''}\` on ${new Date().toISOString()}; do not edit by hand.
Ratios compare against a baseline measured in the same run on the same machine.

## Machine
${machine()}

## Results (${results.length} figures, ${seconds} s${quick ? ', quick mode: smaller inputs' : ''})
${table}
${failures.length ? `\n## Benchmarks that failed to run\n${failures.map((f) => `- ${f}`).join('\n')}\n` : ''}
## Raw
\`\`\`json
${results.map((r) => JSON.stringify(r)).join('\n')}
\`\`\`
`;
}

await main();
