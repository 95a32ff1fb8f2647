import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-session-revocation.ts';
import * as m0003 from './migrations/0003-batch-errors.ts';
import * as m0004 from './migrations/0004-responses.ts';
import * as m0005 from './migrations/0005-meetings.ts';
import * as m0007 from './migrations/0007-published-table.ts';
import * as m0008 from './migrations/0008-throttle-and-keyed-audit.ts';
import * as m0010 from './migrations/0010-separation-of-duties.ts';
import * as m0011 from './migrations/0011-batch-grain.ts';
import * as m0012 from './migrations/0012-published-areas.ts';
import * as m0013 from './migrations/0013-batch-outside-rows.ts';
import * as m0014 from './migrations/0014-published-upkeep.ts';
import * as m0015 from './migrations/0015-deferred-publication.ts';
import type { Database } from './schema.ts';

/** Numbered, frozen migrations, shared by PGlite and PostgreSQL. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': m0001,
  '0002-session-revocation': m0002,
  '0003-batch-errors': m0003,
  '0004-responses': m0004,
  '0005-meetings': m0005,
  '0007-published-table': m0007,
  '0008-throttle-and-keyed-audit': m0008,
  '0010-separation-of-duties': m0010,
  '0011-batch-grain': m0011,
  '0012-published-areas': m0012,
  '0013-batch-outside-rows': m0013,
  '0014-published-upkeep': m0014,
  '0015-deferred-publication': m0015,
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };

/** Raised when the database holds migrations this code does not know (a newer schema). */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}

/**
 * Brings the schema to the latest version; refuses a database written by newer code.
 * Returns the names of the migrations it applied.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const known = new Set(Object.keys(migrations));
  const existing = await appliedNames(db);
  const unknown = existing.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SchemaTooNewError(
      `the database was written by a newer version of this application (unknown migrations: ${unknown.join(', ')}); upgrade the application before opening it`,
    );
  }
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function appliedNames(db: Kysely<Database>): Promise<string[]> {
  const found = await sql<{
    t: string | null;
  }>`select to_regclass('kysely_migration')::text as t`.execute(db);
  if (!found.rows[0]?.t) return [];
  const rows = await (db as unknown as Kysely<{ kysely_migration: { name: string } }>)
    .selectFrom('kysely_migration')
    .select('name')
    .execute();
  return rows.map((r) => r.name);
}
