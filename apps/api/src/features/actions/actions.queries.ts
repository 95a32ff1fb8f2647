import { ACTION_PRIORITY_LABELS, type ActionStatus, type AGENCY_KINDS } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { csvLine } from '../audit/index.ts';
import { type ActionFilters, selectActions, toActionSummary } from '../hotspots/index.ts';

export interface TimelineEntry {
  readonly at: string;
  readonly by: string;
  readonly byAgency: string;
  readonly fromStatus: ActionStatus | null;
  readonly toStatus: ActionStatus | null;
  readonly note: string | null;
}

export async function selectTimeline(db: Db, actionId: string): Promise<TimelineEntry[]> {
  const rows = await db.kysely
    .selectFrom('action_update as u')
    .innerJoin('app_user as w', 'w.id', 'u.author_id')
    .innerJoin('agency as g', 'g.id', 'w.agency_id')
    .select(['u.created_at', 'w.display_name', 'g.code', 'u.from_status', 'u.to_status', 'u.note'])
    .where('u.action_id', '=', actionId)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({
    at: new Date(r.created_at).toISOString(),
    by: r.display_name,
    byAgency: r.code,
    fromStatus: r.from_status as ActionStatus | null,
    toStatus: r.to_status as ActionStatus | null,
    note: r.note,
  }));
}

/** The action list's filters as the request gives them. */
export interface ActionListFilter {
  /** Only the caller's agency's actions (partners always get only those). */
  readonly mine: boolean;
  readonly status: ActionStatus[];
  readonly agencyCode: string | undefined;
  readonly hotspotId: string | undefined;
  readonly overdue: boolean;
}

async function filtersFor(
  deps: Pick<AppDeps, 'db'>,
  user: SessionUser,
  filter: ActionListFilter,
): Promise<ActionFilters> {
  let agencyId: string | undefined;
  if (user.role === 'partner' || filter.mine) {
    agencyId = user.agencyId;
  } else if (filter.agencyCode) {
    const agency = await deps.db.kysely
      .selectFrom('agency')
      .select('id')
      .where('partnership_id', '=', user.partnershipId)
      .where('code', '=', filter.agencyCode)
      .executeTakeFirst();
    // An unknown code matches nothing, like any other filter.
    agencyId = agency?.id ?? '00000000-0000-4000-8000-000000000000';
  }
  return {
    partnershipId: user.partnershipId,
    agencyId,
    hotspotId: filter.hotspotId,
    status: filter.status,
    overdue: filter.overdue,
  };
}

/** The actions the user may see that match the filter, with the day "overdue" is judged on. */
export async function listActions(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  user: SessionUser,
  filter: ActionListFilter,
) {
  const today = isoDay(deps.clock());
  const actions = await selectActions(deps.db, await filtersFor(deps, user, filter), today);
  return { actions: actions.map(toActionSummary), today };
}

/** The same actions as a CSV for a spreadsheet (with a byte-order mark), and how many rows. */
export async function actionsCsv(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  user: SessionUser,
  filter: ActionListFilter,
): Promise<{ csv: string; rows: number; today: string }> {
  const today = isoDay(deps.clock());
  const actions = await selectActions(deps.db, await filtersFor(deps, user, filter), today);
  let csv = csvLine([
    'hotspot',
    'priority',
    'agency',
    'title',
    'detail',
    'due_on',
    'status',
    'overdue',
    'acknowledged_by',
    'acknowledged_at',
    'completed_at',
    'outcome',
    'decline_reason',
    'assigned_by',
    'created_at',
  ]);
  for (const a of actions) {
    csv += csvLine([
      a.hotspotName,
      ACTION_PRIORITY_LABELS[a.priority],
      a.agency.code,
      a.title,
      a.detail,
      a.dueOn,
      a.status,
      a.overdue ? 'yes' : 'no',
      a.acknowledgedBy,
      a.acknowledgedAt,
      a.completedAt,
      a.outcome,
      a.declineReason,
      a.createdBy,
      a.createdAt,
    ]);
  }
  return { csv: `\uFEFF${csv}`, rows: actions.length, today };
}

/** The partnership's suggested actions, by place type and position (one place type, or one). */
export async function listSuggestions(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  placeType?: string,
  id?: string,
) {
  let query = deps.db.kysely
    .selectFrom('suggested_action')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .orderBy('place_type')
    .orderBy('position')
    .orderBy('title');
  if (placeType) query = query.where('place_type', '=', placeType);
  if (id) query = query.where('id', '=', id);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    placeType: r.place_type,
    priority: r.priority,
    title: r.title,
    detail: r.detail,
    agencyKind: r.agency_kind as (typeof AGENCY_KINDS)[number] | null,
    position: r.position,
  }));
}

export async function oneSuggestion(deps: Pick<AppDeps, 'db'>, partnershipId: string, id: string) {
  const [row] = await listSuggestions(deps, partnershipId, undefined, id);
  if (!row) throw new ProblemError(PROBLEM.notFound, 'No such suggested action.');
  return row;
}

/** The partnership's agencies with their kind, to assign a suggested action to. */
export async function agencyOptions(deps: Pick<AppDeps, 'db'>, partnershipId: string) {
  const rows = await deps.db.kysely
    .selectFrom('agency')
    .select(['id', 'code', 'name', 'kind'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ ...r, kind: r.kind as (typeof AGENCY_KINDS)[number] }));
}
