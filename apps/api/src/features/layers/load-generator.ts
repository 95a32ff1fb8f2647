import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface LoadOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  /** The generator that produced the figures, named in every benchmark label. */
  readonly tool: 'wrk' | 'autocannon';
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors, timeouts and responses other than 2xx/3xx. */
  readonly errors: number;
}

// wrk's summary as one JSON line, written by its `done` hook (latencies in microseconds).
const WRK_REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;

async function onPath(command: string): Promise<boolean> {
  try {
    await execFileAsync(command, ['--version']);
    return true;
  } catch (error) {
    // wrk prints its usage and exits 1 for --version; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Drives `url` with `connections` concurrent keep-alive clients for `seconds`, from another
 * process: a generator on the server's own event loop would add its work to every latency it
 * measures. wrk (Debian package `wrk`) is used when installed: it is written in C and needs a
 * fraction of the CPU autocannon needs for the same load, which matters on a two-core machine
 * where generator, server and database share the cores. Otherwise autocannon runs in a child
 * process.
 */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  return (await onPath('wrk')) ? runWrk(options) : runAutocannon(options);
}

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hotspot-wrk-'));
  try {
    const script = join(dir, 'report.lua');
    await writeFile(script, WRK_REPORT);
    const args = ['-t', '1', '-c', String(options.connections), '-d', `${options.seconds}s`];
    args.push('--timeout', '10s', '-s', script);
    for (const [name, value] of Object.entries(options.headers))
      args.push('-H', `${name}: ${value}`);
    args.push(options.url);
    const { stdout } = await execFileAsync('wrk', args, { maxBuffer: 4 * 1024 * 1024 });
    const line = stdout
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('{'));
    if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
    const r = JSON.parse(line) as {
      requests: number;
      durationUs: number;
      p50Us: number;
      p99Us: number;
      errors: number;
    };
    return {
      tool: 'wrk',
      requestsPerSecond: r.requests / (r.durationUs / 1e6),
      p50Ms: r.p50Us / 1000,
      p99Ms: r.p99Us / 1000,
      errors: r.errors,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const bin = createRequire(import.meta.url).resolve('autocannon');
  const args = [bin, '--json', '-c', String(options.connections), '-d', String(options.seconds)];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  args.push(options.url);
  const { stdout } = await execFileAsync(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    tool: 'autocannon',
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}
