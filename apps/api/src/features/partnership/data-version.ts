import type { Database } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';

/**
 * Moves the partnership's data version on, inside the transaction that changed what layers
 * show (records, hotspots, actions), so layer caches and ETags change with it.
 */
export async function bumpDataVersion(
  executor: Kysely<Database>,
  partnershipId: string,
): Promise<void> {
  await executor
    .updateTable('partnership')
    .set({ data_version: sql<string>`data_version + 1` })
    .where('id', '=', partnershipId)
    .execute();
}
