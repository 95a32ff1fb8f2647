import postgres from 'postgres';
import { describe, expect, it } from 'vitest';

// Kysely runs every query through a reserved postgres.js connection. In 3.4.9, once a reserved
// connection closed (a restart), the pool reconnected it for the next waiting reservation, but
// the old reservation's handle still sent its queries there: Kysely's ROLLBACK after a failed
// statement ran in another request's session, or, written while the connection started up,
// was never answered and hung its request (and whatever waited on it) for good. Patched in
// patches/postgres+3.4.9.patch: such a query fails with CONNECTION_CLOSED.
describe.skipIf(!process.env.TEST_DATABASE_URL)('a reserved connection that closed', () => {
  it('fails the old reservation’s queries and serves the next reservation its own session', async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    const killer = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const first = await sql.reserve();
      const [{ pid } = { pid: 0 }] = await first<{ pid: number }[]>`select pg_backend_pid() as pid`;
      // The only connection is held, so the next reservation waits for it.
      const next = sql.reserve();
      await killer`select pg_terminate_backend(${pid})`;
      const second = await next;
      const [{ pid: secondPid } = { pid: 0 }] = await second<
        { pid: number }[]
      >`select pg_backend_pid() as pid`;
      expect(secondPid).not.toBe(pid);
      // The first handle's query must not run in the second reservation's session.
      await expect(first`select pg_backend_pid() as pid`).rejects.toMatchObject({
        code: 'CONNECTION_CLOSED',
      });
      first.release();
      // Releasing the stale handle leaves the second reservation's connection alone: a pool
      // query waits for the second reservation's release instead of sharing its session.
      let pooledDone = false;
      const pooled = sql`select 2 as n`.then((rows) => {
        pooledDone = true;
        return rows;
      });
      expect(await second`select 1 as n`).toEqual([{ n: 1 }]);
      // Answers come in the order queries were sent: had the pool query gone to this
      // connection, it would have been answered by now.
      expect(await second`select 1 as n`).toEqual([{ n: 1 }]);
      expect(pooledDone).toBe(false);
      second.release();
      expect(await pooled).toEqual([{ n: 2 }]);
    } finally {
      await sql.end({ timeout: 1 });
      await killer.end({ timeout: 1 });
    }
  }, 60_000);
});
