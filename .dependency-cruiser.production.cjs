// The same rules over production code only, plus "no cycles": tests may import other features'
// test-support files (see .dependency-cruiser.cjs), which would otherwise count as cycles.
const base = require('./.dependency-cruiser.cjs');
// Test code and test support, as the base rules name them.
const testCode = base.forbidden.find((r) => r.name === 'test-support-stays-in-tests').from.pathNot;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...base.forbidden,
    {
      name: 'no-feature-cycles',
      severity: 'error',
      comment: 'Features form layers: two features never depend on each other, however indirectly.',
      scope: 'folder',
      from: { path: '^apps/api/src/features/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment:
        'No module imports itself back at run time, however indirectly (type-only imports are ' +
        'erased, so they cannot leave a module half-initialised).',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    ...base.options,
    tsPreCompilationDeps: 'specify',
    exclude: { path: [base.options.exclude.path, ...testCode] },
  },
};
