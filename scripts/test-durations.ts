/**
 * `npm run test:durations`: after a whole `npm test`, copies the seconds each test file took
 * from vitest's cache into scripts/test-durations.json, the order the test sequencer starts
 * files in (longest first). Run it when files are added or their cost changes a lot.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DURATIONS_PATH } from './test-sequencer.ts';

const ROOT = join(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules', '.vite', 'vitest');

const results = existsSync(CACHE)
  ? readdirSync(CACHE)
      .map((dir) => join(CACHE, dir, 'results.json'))
      .filter(existsSync)
  : [];
if (results.length === 0) {
  process.stderr.write('test:durations: no vitest results yet; run npm test first\n');
  process.exit(1);
}
const durations: Record<string, number> = {};
for (const file of results) {
  const cache = JSON.parse(readFileSync(file, 'utf8')) as {
    results: [string, { duration?: number }][];
  };
  for (const [key, { duration }] of cache.results) {
    const path = key.slice(key.indexOf(':') + 1);
    if (duration !== undefined && existsSync(join(ROOT, path)))
      durations[key] = Math.round(duration / 100) / 10;
  }
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(DURATIONS_PATH, `${JSON.stringify(sorted, null, 2)}\n`);
process.stdout.write(
  `test:durations: ${Object.keys(sorted).length} files written to ${DURATIONS_PATH}\n`,
);
