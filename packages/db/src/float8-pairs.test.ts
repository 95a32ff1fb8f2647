import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { selectFloat8Pairs, unpackFloat8 } from './float8-pairs.ts';
import { testDatabases } from './testing/test-databases.ts';

describe('unpackFloat8', () => {
  it('reads big-endian float8 values packed end to end, and nothing from null', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, 398_123.25);
    view.setFloat64(8, -0.5);
    expect([...unpackFloat8(bytes)]).toEqual([398_123.25, -0.5]);
    expect(unpackFloat8(null)).toHaveLength(0);
    expect(() => unpackFloat8(new Uint8Array(7))).toThrow(/7 bytes/);
  });
});

describe.each(testDatabases())('selectFloat8Pairs on $kind', (target) => {
  it('returns both columns row by row, exactly, and empty arrays for no rows', async () => {
    const db = await target.open();
    try {
      const values = sql`(values (1, 401234.5, 270001.25), (2, -1e-9, 1e12), (3, 0.1, 0.2)) as v(i, x, y)`;
      const { xs, ys } = await selectFloat8Pairs(db, sql`v.x::float8`, sql`v.y::float8`, values);
      expect([...xs]).toEqual([401234.5, -1e-9, 0.1]);
      expect([...ys]).toEqual([270001.25, 1e12, 0.2]);
      const none = await selectFloat8Pairs(
        db,
        sql`v.x::float8`,
        sql`v.y::float8`,
        sql`${values} where false`,
      );
      expect(none.xs).toHaveLength(0);
      expect(none.ys).toHaveLength(0);
    } finally {
      await db.close();
    }
  });
});
