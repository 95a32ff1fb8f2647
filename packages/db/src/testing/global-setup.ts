import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createDb } from '../create-db.ts';
import { migrateToLatest } from '../migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplatePath: string;
    postgresTemplate: { url: string; database: string } | null;
    /** A folder of this run's own, removed after it: what its test processes share. */
    testRunDir: string;
  }
}

// Opening PGlite with PostGIS and migrating takes ~15 s; test files instead load a migrated
// dump (~1.2 s). The dump is cached in the temp folder, keyed by the migrations' source, and
// kept uncompressed (67 MB rather than 6.5): dozens of opens a run each skip ~0.3 s of gunzip.
async function buildPgliteTemplate(): Promise<string> {
  const dir = join(import.meta.dirname, '..', 'migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(readFileSync(join(dir, file)));
  const path = join(tmpdir(), `hotspot-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return path;
  const db = await createDb({ memory: true });
  await migrateToLatest(db.kysely);
  const dump = await db.pglite!.dumpDataDir('none');
  await db.close();
  const partial = `${path}.${process.pid}.part`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
  return path;
}

// On PostgreSQL each test file gets its own database, cloned from a migrated template.
async function buildPostgresTemplate(url: string): Promise<{ url: string; database: string }> {
  const database = `hotspot_tmpl_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${database}`);
  await admin.end();
  const templateUrl = withDatabase(url, database);
  const db = await createDb({ databaseUrl: templateUrl, maxConnections: 1 });
  await migrateToLatest(db.kysely);
  await db.close();
  return { url, database };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  const [pgliteTemplatePath, postgresTemplate] = await Promise.all([
    buildPgliteTemplate(),
    url ? buildPostgresTemplate(url) : Promise.resolve(null),
  ]);
  project.provide('pgliteTemplatePath', pgliteTemplatePath);
  project.provide('postgresTemplate', postgresTemplate);
  const testRunDir = mkdtempSync(join(tmpdir(), 'hotspot-test-run-'));
  project.provide('testRunDir', testRunDir);
  return async () => {
    rmSync(testRunDir, { recursive: true, force: true });
    if (!url || !postgresTemplate) return;
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    const rows = await admin<{ datname: string }[]>`
      select datname from pg_database
      where datname = ${postgresTemplate.database} or datname like ${`${postgresTemplate.database.replace('tmpl', 't')}%`}`;
    for (const { datname } of rows) {
      await admin.unsafe(`drop database if exists ${datname} with (force)`);
    }
    await admin.end();
  };
}
