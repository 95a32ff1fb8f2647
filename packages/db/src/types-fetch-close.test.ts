import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { startTcpProxy } from './testing/tcp-proxy.ts';

// postgres.js fetches the array types as the first query on every new connection. When the
// server ended that connection during the fetch (as a restart does: 57P01, then the socket
// closes), 3.4.9 dropped the fetch's rejection, which crashed the API process with an unhandled
// rejection (found by the fault test restarting PostgreSQL under traffic on a loaded machine),
// and replayed the stale 57P01 onto the next connection. Patched in patches/postgres+3.4.9.patch.
// A proxy in front of the test server makes that moment deterministic: it answers the first
// types query it sees with the server's own shutdown error and closes the connection.

/** A PostgreSQL ErrorResponse message: severity, SQLSTATE and text, as a backend sends them. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat(
    [
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', code],
      ['M', message],
    ].map(([type, value]) => Buffer.from(`${type}${value}\0`)),
  );
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(4 + fields.length + 1, 1);
  return Buffer.concat([header, fields, Buffer.from([0])]);
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('a connection ended while it fetches types', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('fails or retries only the waiting work, never the process, and the pool works on', async () => {
    process.on('unhandledRejection', onUnhandled);
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const endNextTypesQuery = () =>
      proxy.endNext(
        (chunk) => chunk.includes('pg_catalog.pg_type'),
        errorResponse('57P01', 'terminating connection due to administrator command'),
      );
    // The pool's first connection (a plain query, retried on a new connection) is ended too:
    // the stale 57P01 must not fail the retry, so the database opens.
    endNextTypesQuery();
    const db = await createDb({ databaseUrl: proxy.url(target.toString()), maxConnections: 4 });
    try {
      expect(proxy.ended).toBe(1);
      // Transactions hold connections at once, so new ones open (reserved, as Kysely takes
      // them) and the first of them is ended during its types query.
      endNextTypesQuery();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 3 }, () =>
          db.kysely
            .transaction()
            .execute(
              async (trx) =>
                (await sql<{ n: number }>`select 1 as n, pg_sleep(0.1)`.execute(trx)).rows[0]!.n,
            ),
        ),
      );
      expect(proxy.ended).toBe(2);
      // Each transaction either ran or failed with the connection-class error it can retry.
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect((outcome.reason as { code?: string }).code).toMatch(/^(CONNECTION_CLOSED|57P01)$/);
        } else expect(outcome.value).toBe(1);
      }
      // Let any dropped rejection surface before checking for it.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      // Every connection, old or new, serves queries and transactions afterwards.
      const after = await Promise.all(
        Array.from({ length: 6 }, () =>
          db.kysely
            .transaction()
            .execute(
              async (trx) => (await sql<{ n: number }>`select 2 as n`.execute(trx)).rows[0]!.n,
            ),
        ),
      );
      expect(after).toEqual([2, 2, 2, 2, 2, 2]);
      expect(unhandled).toEqual([]);
    } finally {
      await db.close();
      await proxy.close();
    }
  }, 60_000);
});
