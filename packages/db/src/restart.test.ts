import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { startPrivatePostgres } from './testing/private-postgres.ts';

// The connection pool across a real PostgreSQL stop and start (its own server, via pg_ctl), with
// plain queries and transactions (reserved connections) in flight. postgres.js 3.4.9 leaked a
// reserved connection whenever a reservation's connection attempt failed, until every query
// waited forever (patched in patches/postgres+3.4.9.patch); this is the regression test.
describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL restart', () => {
  it('every query settles during the outage and the pool serves queries and transactions after it', async () => {
    const pg = await startPrivatePostgres();
    const db = await createDb({ databaseUrl: pg.url, maxConnections: 10 });
    const pending = new Map<number, { kind: string; since: number }>();
    const failures = new Set<string>();
    let next = 0;
    let running = true;
    const loop = async (kind: 'query' | 'transaction') => {
      while (running) {
        const id = next++;
        pending.set(id, { kind, since: Date.now() });
        try {
          if (kind === 'query') await sql`select 1`.execute(db.kysely);
          else
            await db.kysely.transaction().execute(async (trx) => {
              await sql`select 1`.execute(trx);
              await sql`select 2`.execute(trx);
            });
        } catch (error) {
          failures.add((error as { code?: string }).code ?? (error as Error).message);
        }
        pending.delete(id);
      }
    };
    try {
      const loops = [
        ...Array.from({ length: 20 }, () => loop('query')),
        ...Array.from({ length: 4 }, () => loop('transaction')),
      ];
      await new Promise((r) => setTimeout(r, 500));
      await pg.stop();
      await new Promise((r) => setTimeout(r, 1_000));
      await pg.start();
      await new Promise((r) => setTimeout(r, 4_000));
      // Four seconds after the start nothing is still waiting from before it.
      const now = Date.now();
      expect([...pending.values()].filter((p) => now - p.since > 3_000)).toEqual([]);
      running = false;
      await Promise.all(loops);
      // The outage was seen as connection errors, and the pool works again.
      expect(failures.size).toBeGreaterThan(0);
      expect((await sql<{ n: number }>`select 1 as n`.execute(db.kysely)).rows).toEqual([{ n: 1 }]);
      await db.kysely.transaction().execute(async (trx) => sql`select 1`.execute(trx));
    } finally {
      running = false;
      await db.close();
      await pg.close();
    }
  }, 120_000);
});
