import type { ActionPriority, ActionStatus } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { sql } from 'kysely';

/** Statuses in which an action is still open (and so can be overdue). */
export const OPEN_ACTION_STATUSES: readonly ActionStatus[] = [
  'assigned',
  'acknowledged',
  'in_progress',
];

export interface ActionFilters {
  readonly partnershipId: string;
  /** Restricts to one agency (always set for partners, whatever they ask). */
  readonly agencyId?: string | undefined;
  readonly hotspotId?: string | undefined;
  readonly status?: readonly ActionStatus[] | undefined;
  /** Only open actions whose due date is before `today`. */
  readonly overdue?: boolean | undefined;
  readonly actionId?: string | undefined;
}

export interface ActionRow {
  readonly id: string;
  readonly hotspotId: string;
  readonly hotspotName: string;
  readonly priority: ActionPriority;
  readonly agency: { readonly id: string; readonly code: string; readonly name: string };
  readonly title: string;
  readonly detail: string | null;
  readonly dueOn: string;
  readonly status: ActionStatus;
  readonly overdue: boolean;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: string | null;
  readonly outcome: string | null;
  readonly declineReason: string | null;
  readonly meetingId: string | null;
  readonly createdBy: string;
  readonly createdById: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
}

/**
 * Actions with their agency and hotspot names; `overdue` is computed against `today` (from the
 * injected clock), never the database's clock, so tests and every process agree.
 */
export async function selectActions(
  db: Db,
  filters: ActionFilters,
  today: string,
): Promise<ActionRow[]> {
  const result = await sql<{
    id: string;
    hotspot_id: string;
    hotspot_name: string;
    priority: ActionPriority;
    agency_id: string;
    agency_code: string;
    agency_name: string;
    title: string;
    detail: string | null;
    due_on: string;
    status: ActionStatus;
    acknowledged_by_name: string | null;
    acknowledged_at: Date | string | null;
    outcome: string | null;
    decline_reason: string | null;
    meeting_id: string | null;
    created_by: string;
    created_by_name: string;
    created_at: Date | string;
    updated_at: Date | string;
    completed_at: Date | string | null;
  }>`
    select a.id, a.hotspot_id, h.name as hotspot_name, a.priority, a.agency_id, g.code as agency_code,
      g.name as agency_name, a.title, a.detail, a.due_on::text as due_on, a.status,
      ack.display_name as acknowledged_by_name, a.acknowledged_at, a.outcome, a.decline_reason,
      a.meeting_id, a.created_by, cr.display_name as created_by_name, a.created_at, a.updated_at,
      a.completed_at
    from action a
    join hotspot h on h.id = a.hotspot_id
    join agency g on g.id = a.agency_id
    join app_user cr on cr.id = a.created_by
    left join app_user ack on ack.id = a.acknowledged_by
    where a.partnership_id = ${filters.partnershipId}
      ${filters.actionId ? sql`and a.id = ${filters.actionId}` : sql``}
      ${filters.agencyId ? sql`and a.agency_id = ${filters.agencyId}` : sql``}
      ${filters.hotspotId ? sql`and a.hotspot_id = ${filters.hotspotId}` : sql``}
      ${filters.status && filters.status.length > 0 ? sql`and a.status = any(${[...filters.status]}::text[])` : sql``}
      ${filters.overdue ? sql`and a.status = any(${[...OPEN_ACTION_STATUSES]}::text[]) and a.due_on < ${today}::date` : sql``}
    order by a.due_on, a.created_at, a.id`.execute(db.kysely);
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  return result.rows.map((r) => ({
    id: r.id,
    hotspotId: r.hotspot_id,
    hotspotName: r.hotspot_name,
    priority: r.priority,
    agency: { id: r.agency_id, code: r.agency_code, name: r.agency_name },
    title: r.title,
    detail: r.detail,
    dueOn: r.due_on,
    status: r.status,
    overdue: isOverdue(r.status, r.due_on, today),
    acknowledgedBy: r.acknowledged_by_name,
    acknowledgedAt: iso(r.acknowledged_at),
    outcome: r.outcome,
    declineReason: r.decline_reason,
    meetingId: r.meeting_id,
    createdBy: r.created_by_name,
    createdById: r.created_by,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    completedAt: iso(r.completed_at),
  }));
}

export function isOverdue(status: ActionStatus, dueOn: string, today: string): boolean {
  return OPEN_ACTION_STATUSES.includes(status) && dueOn < today;
}

/** The summary shape shared by lists (no detail, outcome or reasons). */
export function toActionSummary(a: ActionRow) {
  return {
    id: a.id,
    hotspotId: a.hotspotId,
    hotspotName: a.hotspotName,
    priority: a.priority,
    agency: a.agency,
    title: a.title,
    dueOn: a.dueOn,
    status: a.status,
    overdue: a.overdue,
    acknowledgedAt: a.acknowledgedAt,
    completedAt: a.completedAt,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
