import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';

/**
 * Rows written straight into the database with chosen timestamps, so a test can lay down a
 * history (what happened before and since the previous meeting) without moving a clock through
 * every step of the workflow.
 */

export interface CraftedHotspot {
  readonly name: string;
  readonly status: 'proposed' | 'confirmed' | 'tasked' | 'monitoring' | 'closed';
  readonly createdAt: string;
  readonly reviewOn?: string;
  /** BNG rectangle [minX, minY, maxX, maxY]; default a 300 m square in the test area. */
  readonly bng?: readonly [number, number, number, number];
}

export async function insertHotspot(
  deps: AppDeps,
  partnershipId: string,
  createdBy: string,
  h: CraftedHotspot,
): Promise<string> {
  const id = deps.newId();
  const [minX, minY, maxX, maxY] = h.bng ?? [383_000, 273_000, 383_300, 273_300];
  await deps.db.kysely
    .insertInto('hotspot')
    .values({
      id,
      partnership_id: partnershipId,
      name: h.name,
      area: sql<string>`ST_Multi(ST_Transform(ST_MakeEnvelope(${minX}, ${minY}, ${maxX}, ${maxY}, 27700), 4326))`,
      method: 'drawn',
      period_from: null,
      period_to: null,
      status: h.status,
      risk: 'high',
      review_on: h.reviewOn ?? null,
      created_by: createdBy,
      created_at: h.createdAt,
      updated_at: h.createdAt,
    })
    .execute();
  await deps.db.kysely
    .insertInto('hotspot_status_change')
    .values({
      id: deps.newId(),
      partnership_id: partnershipId,
      hotspot_id: id,
      from_status: null,
      to_status: h.status,
      changed_by: createdBy,
      changed_at: h.createdAt,
      reason: 'Crafted',
    })
    .execute();
  return id;
}

export interface CraftedAction {
  readonly title: string;
  readonly agencyId: string;
  readonly status: 'assigned' | 'acknowledged' | 'in_progress' | 'completed' | 'declined';
  readonly dueOn: string;
  readonly createdAt: string;
  readonly completedAt?: string;
  readonly outcome?: string;
}

export async function insertAction(
  deps: AppDeps,
  partnershipId: string,
  hotspotId: string,
  createdBy: string,
  a: CraftedAction,
): Promise<string> {
  const id = deps.newId();
  const acknowledged = a.status !== 'assigned' && a.status !== 'declined';
  await deps.db.kysely
    .insertInto('action')
    .values({
      id,
      partnership_id: partnershipId,
      hotspot_id: hotspotId,
      priority: 'pursue-disrupt',
      agency_id: a.agencyId,
      title: a.title,
      detail: null,
      due_on: a.dueOn,
      status: a.status,
      acknowledged_by: acknowledged ? createdBy : null,
      acknowledged_at: acknowledged ? a.createdAt : null,
      outcome: a.status === 'completed' ? (a.outcome ?? 'Done') : null,
      decline_reason: a.status === 'declined' ? 'Not ours' : null,
      meeting_id: null,
      created_by: createdBy,
      created_at: a.createdAt,
      updated_at: a.completedAt ?? a.createdAt,
      completed_at: a.status === 'completed' ? (a.completedAt ?? a.createdAt) : null,
    })
    .execute();
  return id;
}

export async function insertMeeting(
  deps: AppDeps,
  partnershipId: string,
  createdBy: string,
  m: { title: string; startsAt: string; status: 'planned' | 'in_progress' | 'closed' },
): Promise<string> {
  const id = deps.newId();
  await deps.db.kysely
    .insertInto('meeting')
    .values({
      id,
      partnership_id: partnershipId,
      title: m.title,
      starts_at: m.startsAt,
      place: 'Town hall',
      status: m.status,
      created_by: createdBy,
      created_at: m.startsAt,
      closed_at: m.status === 'closed' ? m.startsAt : null,
    })
    .execute();
  return id;
}
