// Helpers for the partnership and setup tests. Not used by production code.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { worcestershireDistrictsPath } from '@hotspot/fixtures';
import { ProblemError } from '../../../http/problem.ts';
import { builtApi } from '../../../testing/built-api.ts';

/** A closed square ring of side `d` degrees from (x, y), as GeoJSON Polygon coordinates. */
export const square = (x: number, y: number, d = 0.01) => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];

/** The detail of the ProblemError `run` throws (or rejects with); fails when it succeeds. */
export async function problemOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ProblemError) return error.detail ?? '';
    throw error;
  }
  throw new Error('expected a problem, but it was accepted');
}

/** The agencies CSV shipped as the README's example (South Worcestershire's partners). */
export const EXAMPLE_AGENCIES_PATH = join(import.meta.dirname, 'example-agencies.csv');

/**
 * Writes the Worcestershire districts file filtered to the districts `codes` (LAD13CD) into
 * `dir`, as a partnership's IT team would cut down an ONS file, and returns its path.
 */
export function writeDistrictsFile(dir: string, codes: readonly string[]): string {
  const file = JSON.parse(readFileSync(worcestershireDistrictsPath(), 'utf8')) as {
    features: { properties: Record<string, unknown> }[];
  };
  file.features = file.features.filter((f) => codes.includes(String(f.properties.LAD13CD)));
  const path = join(dir, 'districts.geojson');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the compiled command line (as `npm run cli --` does) with `args` and `env` in a child
 * process; `stdin` is piped in.
 */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  stdin = '',
): Promise<CliRun> {
  const child = spawn(process.execPath, [...builtApi('cli'), ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
