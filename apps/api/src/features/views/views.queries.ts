import { SavedViewConfigSchema } from '@hotspot/contracts';
import type { AppDeps } from '../../deps.ts';

type ViewRow = {
  id: string;
  name: string;
  config_version: number;
  config: unknown;
  created_at: Date | string;
  display_name: string;
};

export function toSavedView(row: ViewRow) {
  const raw = typeof row.config === 'string' ? JSON.parse(row.config) : row.config;
  return {
    id: row.id,
    name: row.name,
    // Parsed on the way out too: rows are an edge, and an old version is upgraded here.
    config: SavedViewConfigSchema.parse(raw),
    createdBy: row.display_name,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export type SavedView = ReturnType<typeof toSavedView>;

const selectViews = (deps: Pick<AppDeps, 'db'>, partnershipId: string) =>
  deps.db.kysely
    .selectFrom('saved_view as v')
    .innerJoin('app_user as u', 'u.id', 'v.created_by')
    .select(['v.id', 'v.name', 'v.config_version', 'v.config', 'v.created_at', 'u.display_name'])
    .where('v.partnership_id', '=', partnershipId);

/** The partnership's saved views, newest first (at most 500). */
export async function listViews(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
): Promise<SavedView[]> {
  const rows = await selectViews(deps, partnershipId)
    .orderBy('v.created_at', 'desc')
    .orderBy('v.id')
    .limit(500)
    .execute();
  return rows.map((r) => toSavedView(r as ViewRow));
}

/** One saved view of the partnership, or undefined. */
export async function findView(
  deps: Pick<AppDeps, 'db'>,
  partnershipId: string,
  id: string,
): Promise<SavedView | undefined> {
  const row = await selectViews(deps, partnershipId).where('v.id', '=', id).executeTakeFirst();
  return row ? toSavedView(row as ViewRow) : undefined;
}
