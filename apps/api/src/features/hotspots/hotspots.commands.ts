import type { HotspotChange, HotspotStatus, NewHotspot } from '@hotspot/contracts';
import { sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { bumpDataVersion } from '../partnership/index.ts';
import { type ComputedHotspot, computeHotspot } from './hotspot-area.ts';
import {
  HOTSPOT_TRANSITIONS,
  isAllowedTransition,
  recordHotspotStatusChange,
} from './hotspot-lifecycle.ts';
import { notFound } from './hotspots.queries.ts';

/**
 * Proposes a hotspot: computes its area and statistics snapshot, then stores it with its first
 * status change in one transaction, moving the data version on.
 */
export async function createHotspot(
  deps: AppDeps,
  user: SessionUser,
  body: NewHotspot,
): Promise<{ id: string; now: Date; computed: ComputedHotspot }> {
  const computed = await computeHotspot(deps, user, body);
  const id = deps.newId();
  const now = deps.clock();
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('hotspot')
      .values({
        id,
        partnership_id: user.partnershipId,
        name: body.name,
        area: sql<string>`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${computed.areaGeoJson}::text), 4326))`,
        method: computed.method,
        parameters: sql<string>`cast(${JSON.stringify(computed.parameters)}::text as jsonb)`,
        period_from: computed.periodFrom,
        period_to: computed.periodTo,
        stats: sql<string>`cast(${JSON.stringify(computed.stats)}::text as jsonb)`,
        status: 'proposed',
        created_by: user.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordHotspotStatusChange(trx, {
      id: deps.newId(),
      partnershipId: user.partnershipId,
      hotspotId: id,
      from: null,
      to: 'proposed',
      by: user.id,
      now,
      reason: 'Proposed',
    });
    await bumpDataVersion(trx, user.partnershipId);
  });
  return { id, now, computed };
}

/**
 * Changes a hotspot's fields and, when asked and allowed, its status (409 otherwise), in one
 * transaction with the status change record; returns what changed, for the audit trail.
 */
export async function changeHotspot(
  deps: AppDeps,
  user: SessionUser,
  id: string,
  change: HotspotChange,
): Promise<{ today: string; from: HotspotStatus; to: HotspotStatus | null; fields: string[] }> {
  const now = deps.clock();
  const today = isoDay(now);
  const result = await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('hotspot')
      .select(['status', 'response_started_on'])
      .where('id', '=', id)
      .where('partnership_id', '=', user.partnershipId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound('hotspot');
    const from = current.status as HotspotStatus;
    const to = change.status;
    const statusChanges = to !== undefined && to !== from;
    if (statusChanges && !isAllowedTransition(from, to)) {
      throw new ProblemError(
        PROBLEM.conflict,
        `A ${from} hotspot cannot become ${to}; it can become ${HOTSPOT_TRANSITIONS[from].join(' or ')}.`,
        { code: 'invalid-transition', allowed: HOTSPOT_TRANSITIONS[from] },
      );
    }
    const fields = {
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(statusChanges ? { status: to } : {}),
      ...(change.risk !== undefined ? { risk: change.risk } : {}),
      ...(change.reviewOn !== undefined ? { review_on: change.reviewOn } : {}),
      ...(change.responseStartedOn !== undefined
        ? { response_started_on: change.responseStartedOn }
        : {}),
      // The response starts when the hotspot is first tasked, unless someone said otherwise.
      ...(statusChanges &&
      to === 'tasked' &&
      current.response_started_on === null &&
      change.responseStartedOn === undefined
        ? { response_started_on: today }
        : {}),
      ...(change.objective !== undefined ? { objective: change.objective } : {}),
      ...(change.scanning !== undefined ? { scanning: change.scanning } : {}),
      ...(change.analysis !== undefined ? { analysis: change.analysis } : {}),
      ...(change.response !== undefined ? { response: change.response } : {}),
      ...(change.assessment !== undefined ? { assessment: change.assessment } : {}),
    };
    await trx
      .updateTable('hotspot')
      .set({ ...fields, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (statusChanges) {
      await recordHotspotStatusChange(trx, {
        id: deps.newId(),
        partnershipId: user.partnershipId,
        hotspotId: id,
        from,
        to,
        by: user.id,
        now,
        reason: change.reason ?? null,
      });
    }
    await bumpDataVersion(trx, user.partnershipId);
    return { from, to: statusChanges ? to : null, fields: Object.keys(fields) };
  });
  return { today, ...result };
}
