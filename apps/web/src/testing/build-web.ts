import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// vitest globalSetup: the API serves apps/web/dist, so browser tests need a build that is
// no older than the sources. Builds (a second or so) only when something changed.

const WEB_ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(WEB_ROOT, 'dist');

function isBuildInput(name: string): boolean {
  return !/\.test\.tsx?$/.test(name) && name !== 'testing';
}

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (!isBuildInput(entry)) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

export function webBuildIsStale(): boolean {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const inputs = [
    join(WEB_ROOT, 'src'),
    join(WEB_ROOT, 'index.html'),
    join(WEB_ROOT, 'vite.config.ts'),
  ];
  return inputs.some((p) => existsSync(p) && newestMtimeMs(p) > built);
}

/** Builds into a private folder, then swaps it in, so a concurrent run never sees half a dist. */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  // Staged under node_modules (ignored by git and the linter, same filesystem for the rename).
  const stagingRoot = join(WEB_ROOT, '..', '..', 'node_modules', '.cache', 'hotspot-web');
  mkdirSync(stagingRoot, { recursive: true });
  const staging = join(stagingRoot, `dist-${process.pid}-${Date.now()}`);
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      mode: 'production',
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      root: WEB_ROOT,
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    const old = join(stagingRoot, `old-${process.pid}-${Date.now()}`);
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(staging, DIST);
    rmSync(old, { recursive: true, force: true });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(staging, { recursive: true, force: true });
  }
}

export default async function setup(): Promise<void> {
  if (webBuildIsStale()) await buildWeb();
}
