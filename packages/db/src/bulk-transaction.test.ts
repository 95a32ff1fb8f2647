import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withBulkTransaction } from './bulk-transaction.ts';
import { testDatabases } from './testing/test-databases.ts';

describe.each(testDatabases())('withBulkTransaction on $kind', (target) => {
  it('appends rows to two tables in turn, text as written, null as NULL, in the time zone', async () => {
    const db = await target.open();
    try {
      await sql`create table bulk_a (n integer, t text, at timestamptz, p geometry(Point, 4326))`.execute(
        db.kysely,
      );
      await sql`create table bulk_b (flag boolean, d date)`.execute(db.kysely);
      const counted = await withBulkTransaction(db, { timeZone: 'Europe/London' }, async (tx) => {
        const columns = ['n', 't', 'at', 'p'];
        await tx.append('bulk_a', columns, [
          ['1', 'tab\there', '2024-07-01 12:00', 'SRID=4326;POINT(-2.2 52.19)'],
          ['2', 'back\\slash\nline', null, null],
        ]);
        await tx.append('bulk_b', ['flag', 'd'], [['t', '2024-01-31']]);
        await tx.append('bulk_a', columns, [['3', null, '2024-01-01 12:00', null]]);
        const rows = await tx.execute(
          sql<{ n: string }>`select count(*)::text as n from bulk_a`.compile(db.kysely),
        );
        return rows[0]!.n;
      });
      expect(counted).toBe('3');
      const a = await sql<{ n: number; t: string | null; at: string | null; p: string | null }>`
        select n, t, to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at,
          ST_AsText(p) as p from bulk_a order by n`.execute(db.kysely);
      expect(a.rows).toEqual([
        { n: 1, t: 'tab\there', at: '2024-07-01 11:00', p: 'POINT(-2.2 52.19)' },
        { n: 2, t: 'back\\slash\nline', at: null, p: null },
        { n: 3, t: null, at: '2024-01-01 12:00', p: null },
      ]);
      const b = await sql<{
        flag: boolean;
        d: string;
      }>`select flag, d::text as d from bulk_b`.execute(db.kysely);
      expect(b.rows).toEqual([{ flag: true, d: '2024-01-31' }]);
    } finally {
      await db.close();
    }
  });

  it('keeps nothing when the work throws with a COPY open', async () => {
    const db = await target.open();
    try {
      await sql`create table bulk_c (n integer not null)`.execute(db.kysely);
      await expect(
        withBulkTransaction(db, {}, async (tx) => {
          await tx.append('bulk_c', ['n'], [['1'], ['2']]);
          throw new Error('file error found at the end');
        }),
      ).rejects.toThrow('file error found at the end');
      const left = await sql<{ n: string }>`select count(*)::text as n from bulk_c`.execute(
        db.kysely,
      );
      expect(left.rows).toEqual([{ n: '0' }]);
    } finally {
      await db.close();
    }
  });
});
