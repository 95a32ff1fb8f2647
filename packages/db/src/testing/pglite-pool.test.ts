import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db } from '../create-db.ts';
import { pooledInstance, pooledPglite } from './pglite-pool.ts';
import { testDatabases } from './test-databases.ts';

// A dump of its own, so these tests share their pooled databases with no other file.
async function dumpWithRows(): Promise<Blob> {
  const db = await testDatabases()[0]!.open();
  try {
    await sql`insert into partnership (id, slug, name) values
      ('00000000-0000-4000-8000-000000000001', 'kept', 'Kept at the baseline')`.execute(db.kysely);
    return await db.pglite!.dumpDataDir('none');
  } finally {
    await db.close();
  }
}

const KEY = `pool-test-${process.pid}`;
let dump: Promise<Blob> | undefined;
const open = () => pooledPglite(KEY, () => (dump ??= dumpWithRows()));

async function slugs(db: Db): Promise<string[]> {
  const rows = await db.kysely.selectFrom('partnership').select('slug').orderBy('slug').execute();
  return rows.map((r) => r.slug);
}

// Which PGlite instance serves a database.
const marked = (db: Db) => pooledInstance(db);
const markOf = (db: Db) => pooledInstance(db);

describe('pooled PGlite databases', () => {
  it('end for the test that closed them: its queries fail as on a closed database', async () => {
    const db = await open();
    await db.close();
    expect(db.pglite!.closed).toBe(true);
    await expect(sql`select 1`.execute(db.kysely)).rejects.toThrow();
  });

  it('come back from the pool with only the rows and sequences of their dump', async () => {
    const first = await open();
    const instance = marked(first);
    await sql`insert into partnership (id, slug, name) values
      ('00000000-0000-4000-8000-000000000002', 'added', 'Added by a test')`.execute(first.kysely);
    await sql`update partnership set name = 'Changed' where slug = 'kept'`.execute(first.kysely);
    await sql`create temporary table scratch (n integer)`.execute(first.kysely);
    await sql`set time zone 'Pacific/Auckland'`.execute(first.kysely);
    const nextId = sql<{ id: string }>`select nextval('intelligence_record_id_seq')::text as id`;
    const before = (await nextId.execute(first.kysely)).rows[0]!.id;
    await nextId.execute(first.kysely);
    await first.close();
    await first.close(); // a second close changes nothing

    const second = await open();
    try {
      // The same instance, reused rather than loaded again.
      expect(markOf(second)).toBe(instance);
      expect(await slugs(second)).toEqual(['kept']);
      const kept = await second.kysely
        .selectFrom('partnership')
        .select('name')
        .executeTakeFirstOrThrow();
      expect(kept.name).toBe('Kept at the baseline');
      const temp = await sql<{ n: number }>`
        select count(*)::int as n from pg_class where relname = 'scratch'`.execute(second.kysely);
      expect(temp.rows[0]!.n).toBe(0);
      const zone = await sql<{ z: string }>`select current_setting('TimeZone') as z`.execute(
        second.kysely,
      );
      expect(zone.rows[0]!.z).not.toBe('Pacific/Auckland');
      expect((await nextId.execute(second.kysely)).rows[0]!.id).toBe(before);
    } finally {
      await second.close();
    }
  });

  it('empties append-only tables, whose guards refuse a truncate, between tests', async () => {
    const db = await open();
    const instance = marked(db);
    await sql`insert into audit_event (id, occurred_at, category, action, prev_hash, hash)
      values (1, now(), 'admin', 'pool.test', '', 'h')`.execute(db.kysely);
    await expect(sql`truncate audit_event`.execute(db.kysely)).rejects.toThrow(/append-only/);
    await db.close();
    const again = await open();
    try {
      expect(markOf(again)).toBe(instance);
      const events = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(
        again.kysely,
      );
      expect(events.rows[0]!.n).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('are closed, not reused, when a test changed their schema or switched a trigger off', async () => {
    const changed = await open();
    const instance = marked(changed);
    await sql`create table pool_scratch (n integer)`.execute(changed.kysely);
    await changed.close();

    const switched = await open();
    const other = marked(switched);
    expect(other).not.toBe(instance);
    await sql`alter table partnership disable trigger all`.execute(switched.kysely);
    await switched.close();

    const fresh = await open();
    try {
      expect([instance, other]).not.toContain(markOf(fresh));
      expect(await slugs(fresh)).toEqual(['kept']);
      const tables = await sql<{ n: number }>`
        select count(*)::int as n from pg_class where relname = 'pool_scratch'`.execute(
        fresh.kysely,
      );
      expect(tables.rows[0]!.n).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
