import { randomBytes } from 'node:crypto';
import { createDb, type Db, migrateToLatest } from '@hotspot/db';
import { sql } from 'kysely';
import postgres from 'postgres';
import type { AppDeps } from '../../deps.ts';
import { loadEnv } from '../../env.ts';
import { createLogger } from '../../http/logger.ts';
import { TEST_AUDIT_KEYRING, TEST_PASSWORD_HASH } from '../../testing/fixtures.ts';
import { ensureDemo } from '../demo/index.ts';

export interface BenchDatabase {
  readonly db: Db;
  readonly deps: AppDeps;
  readonly partnershipId: string;
  readonly users: readonly { role: string; email: string; password: string }[];
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** BENCH_DATABASE_URL, else TEST_DATABASE_URL, else undefined (PGlite). */
export function benchDatabaseUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? undefined;
}

/**
 * A fresh, migrated database holding the synthetic North Worcestershire demo with `records`
 * records. How the records get in: `ensureDemo` runs `generateSyntheticRecords({ count })` and
 * inserts them 500 rows per multi-row INSERT in one transaction (PostGIS derives the BNG
 * easting/northing in the INSERT), and the published table is then counted once. On PostgreSQL a
 * throwaway database is created and dropped afterwards.
 */
export async function openBenchDatabase(records: number): Promise<BenchDatabase> {
  const url = benchDatabaseUrl();
  let db: Db;
  let drop = async () => {};
  if (url) {
    const name = `hotspot_bench_${randomBytes(4).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const parsed = new URL(url);
    parsed.pathname = `/${name}`;
    db = await createDb({ databaseUrl: parsed.toString(), maxConnections: 10 });
    drop = async () => {
      const a = postgres(url, { max: 1, onnotice: () => undefined });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    db = await createDb({ memory: true });
  }
  await migrateToLatest(db.kysely);
  const deps: AppDeps = {
    db,
    env: loadEnv({ LOG_LEVEL: 'silent', SEED_DEMO: 'false' }),
    logger: createLogger('silent'),
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
    auditKeys: TEST_AUDIT_KEYRING,
    passwordHashOptions: TEST_PASSWORD_HASH,
  };
  // The published table is counted once after the seed instead of by its statement trigger on
  // each 500-row INSERT (the same rows: published.test.ts checks upkeep against a recount), so
  // seeding a million records does not dominate the run.
  const publishedTrigger = (state: 'enable' | 'disable') =>
    sql
      .raw(`alter table intelligence_record ${state} trigger published_cell_inserted`)
      .execute(db.kysely);
  await publishedTrigger('disable');
  const demo = await ensureDemo(deps, { recordCount: records }).finally(() =>
    publishedTrigger('enable'),
  );
  await sql`select published_cell_rebuild(${demo.partnershipId}::uuid)`.execute(db.kysely);
  await sql`analyze published_cell, published_cell_total`.execute(db.kysely);
  return {
    db,
    deps,
    partnershipId: demo.partnershipId,
    users: demo.users,
    kind: db.kind,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}
