import type { AppDeps, SessionUser } from '../../deps.ts';

const NOTIFICATION_LIMIT = 100;

/**
 * The caller's notices. A partner's leave out actions since reassigned to another agency: the
 * agency has lost the action, so its title and link go from the list too (the rows stay, and
 * come back if the action does).
 */
function noticesOf(deps: Pick<AppDeps, 'db'>, user: SessionUser) {
  const own = deps.db.kysely.selectFrom('notification as n').where('n.user_id', '=', user.id);
  if (user.role !== 'partner') return own;
  return own.where((eb) =>
    eb.or([
      eb('n.action_id', 'is', null),
      eb.exists(
        eb
          .selectFrom('action as a')
          .select('a.id')
          .whereRef('a.id', '=', 'n.action_id')
          .where('a.agency_id', '=', user.agencyId),
      ),
    ]),
  );
}

/** The caller's notifications, newest first (at most 100), and how many are unread. */
export async function listNotifications(deps: Pick<AppDeps, 'db'>, user: SessionUser) {
  const rows = await noticesOf(deps, user)
    .select(['n.id', 'n.kind', 'n.action_id', 'n.message', 'n.created_at', 'n.read_at'])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .limit(NOTIFICATION_LIMIT)
    .execute();
  const unread = await noticesOf(deps, user)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('n.read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    notifications: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      actionId: r.action_id,
      message: r.message,
      createdAt: new Date(r.created_at).toISOString(),
      read: r.read_at !== null,
    })),
    unread: Number(unread.n),
  };
}
