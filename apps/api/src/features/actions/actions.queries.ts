import type { ActionStatus } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';

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
