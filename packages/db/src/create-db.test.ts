import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseActivity, runInBackground } from './create-db.ts';
import { testDatabases } from './testing/test-databases.ts';

interface PlanJson {
  readonly Plan: { readonly 'Total Cost': number };
  readonly JIT?: unknown;
}

describe.each(testDatabases())('connections to $kind', (target) => {
  // PostGIS costs ST_Intersects at 10,000 units a row, so clipping 100,000 records to the area
  // crossed jit_above_cost and compiled for longer than the query ran (see create-db.ts).
  it('never compile a PostGIS-heavy query with JIT, on any pooled connection', async () => {
    const db = await target.open();
    try {
      const plans = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const result = await sql<{ 'QUERY PLAN': PlanJson[] | string }>`
            explain (analyze, format json)
            select count(*) from generate_series(1, 20000) g
            where ST_Intersects(ST_MakePoint(g, 0), ST_MakeEnvelope(0, -1, 10000, 1))`.execute(
            db.kysely,
          );
          const raw = result.rows[0]?.['QUERY PLAN'];
          const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PlanJson[];
          return plan[0]!;
        }),
      );
      for (const plan of plans) {
        // Costly enough that a default PostgreSQL (jit_above_cost 100,000) would compile it.
        expect(plan.Plan['Total Cost']).toBeGreaterThan(100_000);
        expect(plan.JIT).toBeUndefined();
      }
    } finally {
      await db.close();
    }
  });
});

describe.each(testDatabases())('what a database handle on $kind is waiting on', (target) => {
  it('lists a statement while it runs, and nothing once it has finished', async () => {
    const db = await target.open();
    try {
      if (target.kind === 'pglite') {
        // One statement at a time in the process: nothing to wait on, nothing listed.
        expect(databaseActivity(db)).toBeUndefined();
        return;
      }
      // The statement waits on a lock held by another session until it has been seen listed,
      // however slowly a loaded machine gets there.
      const holder = await db.postgresClient!.reserve();
      try {
        await holder`begin`;
        await holder`select pg_advisory_xact_lock(4242)`;
        const waiting = sql`select pg_advisory_xact_lock(4242)`.execute(db.kysely);
        await expect
          .poll(() => databaseActivity(db)?.waits.map((w) => w.what), { timeout: 60_000 })
          .toEqual(['select pg_advisory_xact_lock(4242)']);
        await holder`commit`;
        await waiting;
      } finally {
        holder.release();
      }
      expect(databaseActivity(db)).toEqual({ waits: [] });
    } finally {
      await db.close();
    }
  });
});

describe.each(testDatabases())('closing a database handle on $kind', (target) => {
  it('lets the work started in the background finish first', async () => {
    const db = await target.open();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    runInBackground(
      db,
      (async () => {
        await gate;
        const answer = await sql<{ n: number }>`select 41 + 1 as n`.execute(db.kysely);
        order.push(`work ${answer.rows[0]?.n}`);
      })(),
    );
    const closing = db.close().then(() => order.push('closed'));
    release();
    await closing;
    expect(order).toEqual(['work 42', 'closed']);
  });
});
