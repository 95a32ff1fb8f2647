import { type RawBuilder, sql } from 'kysely';
import type { Db } from './create-db.ts';

/**
 * Two double precision columns of many rows, read as two packed arrays: each aggregated with
 * `string_agg(float8send(...))` into one bytea (8 big-endian bytes a value), so the driver hands
 * over two buffers instead of parsing 100,000s of numbers from text arrays (postgres.js's array
 * parser took most of a cold layer request's client time). Both aggregates read the rows in the
 * same order, so `xs[i]` and `ys[i]` come from the same row. The bytes travel base64-encoded as
 * text: PGlite decodes a bytea's hex text in JavaScript (115-148 ms for 60,000 pairs, most of a
 * cold hexagon layer's database time), base64 text is decoded natively (21-29 ms).
 * @example const { xs, ys } = await selectFloat8Pairs(db, sql`easting`, sql`northing`, sql`intelligence_record where ...`)
 */
export async function selectFloat8Pairs(
  db: Db,
  x: RawBuilder<unknown>,
  y: RawBuilder<unknown>,
  fromWhere: RawBuilder<unknown>,
): Promise<{ xs: Float64Array; ys: Float64Array }> {
  const result = await sql<{ xs: string | null; ys: string | null }>`
    select encode(string_agg(float8send(${x}), ''::bytea), 'base64') as xs,
      encode(string_agg(float8send(${y}), ''::bytea), 'base64') as ys
    from ${fromWhere}`.execute(db.kysely);
  const row = result.rows[0];
  return { xs: unpackFloat8(fromBase64(row?.xs)), ys: unpackFloat8(fromBase64(row?.ys)) };
}

// PostgreSQL's base64 breaks lines every 76 characters; Node's decoder skips the newlines.
function fromBase64(text: string | null | undefined): Uint8Array | null {
  return text == null ? null : Buffer.from(text, 'base64');
}

/** Big-endian float8 values packed end to end (as `float8send` writes them). */
export function unpackFloat8(bytes: Uint8Array | null): Float64Array {
  if (!bytes) return new Float64Array(0);
  if (bytes.length % 8 !== 0) throw new Error(`packed float8 of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(bytes.length / 8);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8);
  return values;
}
