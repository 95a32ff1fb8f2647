import type { Db } from '@hotspot/db';
import { bumpDataVersion } from '../partnership/index.ts';

/** The partnership settings an admin may change; each one optional. */
export interface PartnershipSettingsChange {
  readonly suppressionK?: number | undefined;
  readonly retentionMonths?: number | undefined;
  readonly mfaRequired?: boolean | undefined;
  readonly publishedHexSizes?: readonly number[] | undefined;
}

/**
 * Changes the partnership settings in one transaction. New lattices: the update's trigger
 * rebuilds the published table in the same transaction, and the data version moves so no cached
 * layer outlives the old sizes.
 */
export async function changePartnershipSettings(
  db: Db,
  partnershipId: string,
  input: PartnershipSettingsChange,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('partnership')
      .set({
        ...(input.suppressionK !== undefined ? { suppression_k: input.suppressionK } : {}),
        ...(input.retentionMonths !== undefined ? { retention_months: input.retentionMonths } : {}),
        ...(input.mfaRequired !== undefined ? { mfa_required: input.mfaRequired } : {}),
        ...(input.publishedHexSizes !== undefined
          ? { published_hex_sizes: [...input.publishedHexSizes].sort((a, b) => a - b) }
          : {}),
      })
      .where('id', '=', partnershipId)
      .execute();
    if (input.publishedHexSizes !== undefined) await bumpDataVersion(trx, partnershipId);
  });
}
