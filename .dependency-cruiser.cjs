// Layering rules for the workspaces, run by `npm run lint` (so by CI). docs/ARCHITECTURE.md
// ("Layers", "How to add a feature") says why each rule exists.
const FEATURE = '^apps/api/src/features/([^/]+)/';
const TEST_CODE =
  '\\.(test|bench|e2e\\.test)\\.tsx?$|^apps/api/src/(testing|robustness)/|^apps/web/src/testing/|^packages/db/src/testing/';
// Files whose only job is to help tests and benchmarks of other features set up data.
const TEST_SUPPORT = '(test-support|testing|bench-database|load-generator)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
const config = {
  forbidden: [
    {
      name: 'feature-front-door',
      severity: 'error',
      comment:
        'A feature is used through its index.ts only; its other files are its own (STYLE.md rule 11).',
      from: { path: FEATURE, pathNot: TEST_CODE },
      to: {
        path: '^apps/api/src/features/[^/]+/',
        pathNot: ['^apps/api/src/features/$1/', '^apps/api/src/features/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'app-uses-front-doors',
      severity: 'error',
      comment: 'app.ts, main.ts, the CLI and shared code reach features through their index.ts.',
      from: { path: '^apps/api/src/', pathNot: [FEATURE, TEST_CODE] },
      to: {
        path: '^apps/api/src/features/[^/]+/',
        pathNot: ['^apps/api/src/features/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'tests-use-front-doors',
      severity: 'error',
      comment:
        "A feature's tests and benchmarks use another feature through its index.ts, or through " +
        'its test-support files (test-support.ts, testing.ts, bench-database.ts, ' +
        'load-generator.ts): the one exception, so tests can set up data.',
      from: { path: '^apps/api/src/features/([^/]+)/.*\\.(test|bench)\\.ts$' },
      to: {
        path: '^apps/api/src/features/[^/]+/',
        pathNot: [
          '^apps/api/src/features/$1/',
          '^apps/api/src/features/[^/]+/index\\.ts$',
          TEST_SUPPORT,
        ],
      },
    },
    {
      name: 'shared-tests-use-front-doors',
      severity: 'error',
      comment: 'The same for tests and test helpers outside the features.',
      from: { path: TEST_CODE, pathNot: FEATURE },
      to: {
        path: '^apps/api/src/features/[^/]+/',
        pathNot: ['^apps/api/src/features/[^/]+/index\\.ts$', TEST_SUPPORT],
      },
    },
    {
      name: 'test-support-stays-in-tests',
      severity: 'error',
      comment: 'Production code never imports test support.',
      from: { path: '^apps/api/src/', pathNot: [TEST_CODE, TEST_SUPPORT] },
      to: { path: TEST_SUPPORT },
    },
    {
      name: 'http-depends-on-no-feature',
      severity: 'error',
      comment: 'http/ is middleware and helpers for every feature; features are given to it.',
      from: { path: '^apps/api/src/http/', pathNot: TEST_CODE },
      to: { path: '^apps/api/src/features/' },
    },
    {
      name: 'packages-never-import-apps',
      severity: 'error',
      comment: 'packages/* are below the apps; they are reused by both and know neither.',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'analysis-is-pure',
      severity: 'error',
      comment: 'packages/analysis imports no workspace package (no I/O, clock or randomness).',
      from: { path: '^packages/analysis/src/', pathNot: TEST_CODE },
      to: { path: '^packages/(?!analysis/)' },
    },
    {
      name: 'only-db-opens-a-driver',
      severity: 'error',
      comment:
        'packages/db alone knows PGlite and postgres.js (createDb, withBulkTransaction); ' +
        'everyone else uses db.kysely. Benchmarks and tests may reach the driver.',
      from: { pathNot: ['^packages/db/', TEST_CODE, TEST_SUPPORT] },
      to: { path: 'node_modules/(postgres|kysely-postgres-js|@electric-sql/pglite[^/]*)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};

module.exports = config;
