// Shared setup for the analysis API tests. Not imported by the product.
import type { Db } from '@hotspot/db';
import { bngToLngLat } from '@hotspot/ingest';
import { sql } from 'kysely';

/** Sets the partnership's area to the WGS84 box around a BNG centre, `half` metres each way. */
export async function setBoxArea(
  db: Db,
  partnershipId: string,
  centre: { e: number; n: number },
  half: number,
): Promise<void> {
  const [w, s] = bngToLngLat(centre.e - half, centre.n - half);
  const [e, n] = bngToLngLat(centre.e + half, centre.n + half);
  await sql`update partnership set area = ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)) where id = ${partnershipId}`.execute(
    db.kysely,
  );
}
