import { defineConfig } from 'vitest/config';

// One runner for the whole repository. Database suites open PGlite + PostGIS (seconds per
// open), so files run in at most two workers (the machine has two cores) with long timeouts.
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
    ],
    globalSetup: [
      './packages/db/src/testing/global-setup.ts',
      './apps/web/src/testing/build-web.ts',
      './apps/api/src/testing/built-api.ts',
    ],
    // Each PostGIS library is compiled once per worker, not once per database opened.
    setupFiles: ['./packages/db/src/testing/compiled-wasm-cache.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    // Files share their worker process: the app's modules, PGlite's compiled WebAssembly and
    // the compute threads load once per worker rather than once per file (seconds each).
    // Tests keep no state in modules: each opens its own database and app.
    isolate: false,
    reporters: ['default'],
  },
});
