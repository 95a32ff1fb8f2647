import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run screenshots`: PNGs of every page for each role at the three sizes reviewers look at,
// written to test-artifacts/screenshots (git-ignored). Not part of `npm test`.
const ROOT = join(import.meta.dirname, '..', '..');

export default defineConfig({
  test: {
    root: ROOT,
    include: ['apps/web/src/screenshots/*.shots.ts'],
    globalSetup: [
      join(ROOT, 'packages/db/src/testing/global-setup.ts'),
      join(ROOT, 'apps/web/src/testing/build-web.ts'),
    ],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
