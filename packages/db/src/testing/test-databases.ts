import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createDb, type DatabaseKind, type Db } from '../create-db.ts';
import { postgisExtension } from '../postgis-bundle.ts';
import { withDatabase } from './global-setup.ts';
import { pooledPglite } from './pglite-pool.ts';

export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** Opens a fresh, migrated, empty database of this kind. */
  open(): Promise<Db>;
  /**
   * PostgreSQL only: creates a fresh, migrated, empty database and returns its URL, so a test
   * can open several connections (as several API processes would).
   */
  createUrl?(): Promise<string>;
}

// Read once per test process: a Blob cannot change, so every open can load the same one.
let migratedDump: Blob | undefined;
function migratedTemplate(): Blob {
  migratedDump ??= new Blob([readFileSync(inject('pgliteTemplatePath'))]);
  return migratedDump;
}

const pglite: TestDatabase = {
  kind: 'pglite',
  open: () => pooledPglite('migrated', migratedTemplate),
};

function postgresFrom(template: { url: string; database: string }): TestDatabase {
  const createUrl = async () => {
    const name = `${template.database.replace('tmpl', 't')}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(template.url, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${name} template ${template.database}`);
    await admin.end();
    return withDatabase(template.url, name);
  };
  return {
    kind: 'postgres',
    open: async () => createDb({ databaseUrl: await createUrl(), maxConnections: 10 }),
    createUrl,
  };
}

/** This test run's own folder, removed after it: for what its test processes share. */
export function testRunDir(): string {
  return inject('testRunDir');
}

/**
 * The databases every storage test runs against: PGlite + PostGIS always, PostgreSQL +
 * PostGIS when TEST_DATABASE_URL is set. Use with `describe.each(testDatabases())`.
 */
export function testDatabases(): TestDatabase[] {
  const template = inject('postgresTemplate');
  return template ? [pglite, postgresFrom(template)] : [pglite];
}

/**
 * Fills `dataDir` (a new, empty folder) with the migrated PGlite template, so a test that runs
 * the real server or CLI on an embedded database skips what a first start does once (initdb,
 * CREATE EXTENSION postgis, every migration: the bulk of such a test's time). Tests of the
 * first start itself keep an empty folder. Example: `await migratedPgliteFolder(dir)`.
 */
export async function migratedPgliteFolder(dataDir: string): Promise<void> {
  const pglite = await PGlite.create({
    dataDir,
    extensions: { postgis: await postgisExtension() },
    loadDataDir: migratedTemplate(),
  });
  await pglite.close();
}
