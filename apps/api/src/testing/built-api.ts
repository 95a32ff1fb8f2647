import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { buildApi } from '../../build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of this run's compiled API (apps/api/build.ts): main.js, cli.js, worker.mjs. */
    apiBuildDir: string;
  }
}

/**
 * vitest globalSetup: compiles the API once per run, as `npm start` does, into a folder of the
 * run's own (under node_modules, so the bundle's package imports resolve), removed afterwards.
 * Tests that run the real server or command line start these files with plain Node.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    '..',
    'node_modules',
    '.cache',
    'hotspot-api',
  );
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'run-'));
  await buildApi(dir);
  project.provide('apiBuildDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * Node arguments that run the compiled server (`main`) or command line (`cli`) of this test
 * run. Example: `spawn(process.execPath, [...builtApi('cli'), 'migrate'])`.
 */
export function builtApi(entry: 'main' | 'cli'): string[] {
  return ['--enable-source-maps', join(inject('apiBuildDir'), `${entry}.js`)];
}
