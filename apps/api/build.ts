/**
 * Compiles the API into plain JavaScript with esbuild: `main.js` (the server), `cli.js` (the
 * command line) and `worker.mjs` (the compute worker threads' tasks). `npm start` and
 * `npm run cli` run these with plain Node, and the tests' real-process suites run the same
 * files: loading the sources through tsx cost each process about 1.5 s of CPU more.
 *
 * Our own code (this app and the @hotspot packages) is bundled; every other package stays an
 * import resolved from node_modules at run time, so the output must sit inside the repository
 * (its `node_modules` is found by walking up). `import.meta.dirname` keeps meaning the source
 * file's folder (the demo data, the default taxonomy, the web build are found beside the
 * sources); `import.meta.url` is the bundle's, so the compute pool finds `worker.mjs` beside it.
 *
 * Usage: `tsx apps/api/build.ts [OUTDIR]` (default apps/api/dist), or `buildApi(outdir)`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const SRC = join(import.meta.dirname, 'src');

const ownCodeOnly: Plugin = {
  name: 'own-code-only',
  setup(b) {
    // Bare imports are external, except the workspace packages, which are TypeScript sources.
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@hotspot/') ? undefined : { external: true },
    );
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return {
        contents: source.replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path))),
        loader: 'ts',
      };
    });
  },
};

export async function buildApi(outdir = join(import.meta.dirname, 'dist')): Promise<void> {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [ownCodeOnly],
  };
  await build({
    ...common,
    entryPoints: [
      { in: join(SRC, 'main.ts'), out: 'main' },
      { in: join(SRC, 'cli.ts'), out: 'cli' },
    ],
    outdir,
  });
  // Piscina loads the worker's default export; the sources' worker.mjs registers tsx first.
  await build({
    ...common,
    entryPoints: [join(SRC, 'compute', 'tasks.ts')],
    outfile: join(outdir, 'worker.mjs'),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await buildApi(process.argv[2] ? resolve(process.argv[2]) : undefined);
}
