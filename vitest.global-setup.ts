import type { TestProject } from 'vitest/node';
import api from './apps/api/src/testing/built-api.ts';
import web from './apps/web/src/testing/build-web.ts';
import databases from './packages/db/src/testing/global-setup.ts';

// vitest runs globalSetup files one after another; these three (migrated database templates,
// the web build, the API build) are independent, so they run side by side: on a clean clone
// they are the first 15 s of a run before any test file starts (most of it the PGlite
// template: initdb, PostGIS and every migration). vitest also calls this once per
// project (vitest.config.ts has two, and the root): the work is done once per run, each project
// is given its results, and the last teardown removes them.

interface Prepared {
  readonly provided: ReadonlyMap<string, unknown>;
  readonly teardown: () => Promise<void>;
}

const run = globalThis as { hotspotTestSetup?: Promise<Prepared>; hotspotTestUsers?: number };

async function prepare(): Promise<Prepared> {
  const provided = new Map<string, unknown>();
  const recorder = {
    provide: (key: string, value: unknown) => provided.set(key, value),
  } as unknown as TestProject;
  const teardowns = await Promise.all([databases(recorder), web(), api(recorder)]);
  return {
    provided,
    teardown: async () => {
      for (const teardown of teardowns) await teardown?.();
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  run.hotspotTestSetup ??= prepare();
  run.hotspotTestUsers = (run.hotspotTestUsers ?? 0) + 1;
  const prepared = await run.hotspotTestSetup;
  for (const [key, value] of prepared.provided) {
    (project.provide as (key: string, value: unknown) => void)(key, value);
  }
  return async () => {
    run.hotspotTestUsers = (run.hotspotTestUsers ?? 1) - 1;
    if (run.hotspotTestUsers === 0) {
      run.hotspotTestSetup = undefined;
      await prepared.teardown();
    }
  };
}
