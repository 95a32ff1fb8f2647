import type { HotspotStatus } from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import type { Kysely } from 'kysely';

/**
 * The hotspot lifecycle. Forward: proposed -> confirmed -> tasked -> monitoring -> closed.
 * Back-steps the tasking group needs: a confirmed hotspot can go back to proposed (more analysis
 * wanted); tasked <-> monitoring (the problem flares up again while being monitored); tasked ->
 * confirmed (every action withdrawn); a closed hotspot reopens to monitoring. Any open state can be
 * closed (e.g. a proposal rejected), always with a reason.
 */
export const HOTSPOT_TRANSITIONS: Readonly<Record<HotspotStatus, readonly HotspotStatus[]>> = {
  proposed: ['confirmed', 'closed'],
  confirmed: ['tasked', 'proposed', 'closed'],
  tasked: ['monitoring', 'confirmed', 'closed'],
  monitoring: ['tasked', 'closed'],
  closed: ['monitoring'],
};

export function isAllowedTransition(from: HotspotStatus, to: HotspotStatus): boolean {
  return HOTSPOT_TRANSITIONS[from].includes(to);
}

/** Statuses in which actions may be assigned: a proposal is confirmed first, a closed one reopened. */
export function acceptsActions(status: HotspotStatus): boolean {
  return status === 'confirmed' || status === 'tasked' || status === 'monitoring';
}

/**
 * A time for a new status change that sorts after the hotspot's previous one even when the clock
 * has not moved (history has no sequence column; order comes from time).
 */
export async function nextStatusChangeTime(
  db: Kysely<Database>,
  hotspotId: string,
  now: Date,
): Promise<Date> {
  const last = await db
    .selectFrom('hotspot_status_change')
    .select((eb) => eb.fn.max('changed_at').as('at'))
    .where('hotspot_id', '=', hotspotId)
    .executeTakeFirst();
  const lastMs = last?.at ? new Date(last.at).getTime() : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(now.getTime(), lastMs + 1));
}

export interface HotspotStatusChange {
  readonly id: string;
  readonly partnershipId: string;
  readonly hotspotId: string;
  /** null when the hotspot is created. */
  readonly from: HotspotStatus | null;
  readonly to: HotspotStatus;
  readonly by: string;
  readonly now: Date;
  readonly reason: string | null;
}

/** Adds a change to the hotspot's status history (its timeline and evaluation read it). */
export async function recordHotspotStatusChange(
  trx: Kysely<Database>,
  change: HotspotStatusChange,
): Promise<void> {
  await trx
    .insertInto('hotspot_status_change')
    .values({
      id: change.id,
      partnership_id: change.partnershipId,
      hotspot_id: change.hotspotId,
      from_status: change.from,
      to_status: change.to,
      changed_by: change.by,
      changed_at: await nextStatusChangeTime(trx, change.hotspotId, change.now),
      reason: change.reason,
    })
    .execute();
}
