import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './scripts/test-sequencer.ts';

// One runner for the whole repository, with long timeouts for the database suites. Three
// workers on the two-core machine: while one waits on a child process (the real server, the
// command line, a private PostgreSQL) or a browser, the others use the cores (measured: 366 s
// against 381 s with two).
//
// Two groups, one run: every test file, then bounded-cost.test.ts on its own. That one measures
// that /api/health keeps answering within 200 ms while the heaviest permitted analysis runs;
// other files running beside it on two cores would make it a measure of the machine instead.
const ALONE = 'apps/api/src/bounded-cost.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['./vitest.global-setup.ts'],
    // Each PostGIS library is compiled once per worker, not once per database opened.
    setupFiles: ['./packages/db/src/testing/compiled-wasm-cache.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 3,
    // Files share their worker process: the app's modules, PGlite's compiled WebAssembly and
    // the compute threads load once per worker rather than once per file (seconds each).
    // Tests keep no state in modules: each opens its own database and app.
    isolate: false,
    reporters: ['default'],
    // Longest files first, from durations measured in the repository (scripts/test-sequencer.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'all',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.{ts,tsx}',
            'scripts/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, ALONE],
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: [ALONE], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
