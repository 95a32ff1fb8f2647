import type { AppDeps, SessionUser } from '../../deps.ts';

/**
 * Marks one of the user's notifications read. Only the owner's: another user's notice is
 * 'other-user' (the caller answers it as not found, and audits the refusal), an unknown id
 * 'missing'.
 */
export async function markNotificationRead(
  deps: AppDeps,
  user: SessionUser,
  id: string,
): Promise<'read' | 'missing' | 'other-user'> {
  const updated = await deps.db.kysely
    .updateTable('notification')
    .set({ read_at: deps.clock() })
    .where('id', '=', id)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return 'read';
  const othersNotice = await deps.db.kysely
    .selectFrom('notification')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  return othersNotice ? 'other-user' : 'missing';
}
