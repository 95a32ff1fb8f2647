import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './create-db.ts';
import { postgisVersion } from './create-db.ts';
import { migrateToLatest, migrations, SchemaTooNewError } from './migrate.ts';
import { testDatabases } from './testing/index.ts';

describe.each(testDatabases())('schema on $kind', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('has every migration applied and re-running applies nothing', async () => {
    expect(await migrateToLatest(db.kysely)).toEqual([]);
    const rows = await sql<{
      name: string;
    }>`select name from kysely_migration order by name`.execute(db.kysely);
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
  });

  it('has PostGIS with PROJ, so BNG transforms work', async () => {
    expect(await postgisVersion(db)).toMatch(/^3\.\d+/);
    const r = await sql<{ x: number; y: number }>`
      select ST_X(p) as x, ST_Y(p) as y
      from ST_Transform(ST_SetSRID(ST_MakePoint(-2.2486, 52.3884), 4326), 27700) as p`.execute(
      db.kysely,
    );
    // Kidderminster town centre is around BNG 383000, 276600.
    expect(r.rows[0]!.x).toBeGreaterThan(382_000);
    expect(r.rows[0]!.x).toBeLessThan(384_500);
    expect(r.rows[0]!.y).toBeGreaterThan(275_500);
    expect(r.rows[0]!.y).toBeLessThan(277_500);
  });

  it('refuses a database written by a newer schema', async () => {
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01')`.execute(
      db.kysely,
    );
    await expect(migrateToLatest(db.kysely)).rejects.toBeInstanceOf(SchemaTooNewError);
    await sql`delete from kysely_migration where name = '9999-from-the-future'`.execute(db.kysely);
  });

  it('enforces grading, enums and partnership scoping in the schema', async () => {
    const p1 = '00000000-0000-4000-8000-000000000001';
    const p2 = '00000000-0000-4000-8000-000000000002';
    await sql`insert into partnership (id, slug, name) values (${p1}, 'one', 'One'), (${p2}, 'two', 'Two')`.execute(
      db.kysely,
    );
    await sql`insert into agency (id, partnership_id, code, name, kind)
      values ('00000000-0000-4000-8000-0000000000a1', ${p1}, 'POL', 'Police', 'police')`.execute(
      db.kysely,
    );
    // A user of partnership two cannot belong to partnership one's agency.
    await expect(
      sql`insert into app_user (id, partnership_id, email, display_name, role, agency_id, password_hash)
        values ('00000000-0000-4000-8000-0000000000b1', ${p2}, 'a@b.test', 'A', 'analyst',
                '00000000-0000-4000-8000-0000000000a1', 'x')`.execute(db.kysely),
    ).rejects.toThrow();
    await expect(
      sql`insert into app_user (id, partnership_id, email, display_name, role, agency_id, password_hash)
        values ('00000000-0000-4000-8000-0000000000b1', ${p1}, 'a@b.test', 'A', 'superuser',
                '00000000-0000-4000-8000-0000000000a1', 'x')`.execute(db.kysely),
    ).rejects.toThrow();
    await expect(
      sql`update partnership set suppression_k = 1 where id = ${p1}`.execute(db.kysely),
    ).rejects.toThrow();
  });

  it('refuses updates and deletes of audit events', async () => {
    await sql`insert into audit_event (id, occurred_at, category, action, prev_hash, hash)
      values (1, now(), 'admin', 'test', 'x', 'y')`.execute(db.kysely);
    await expect(sql`update audit_event set action = 'changed'`.execute(db.kysely)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_event`.execute(db.kysely)).rejects.toThrow(/append-only/);
  });
});
