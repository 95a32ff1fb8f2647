import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { NotificationListSchema } from '@hotspot/contracts';
import type { AppDeps, AppEnv, SessionUser } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';

const NOTIFICATION_LIMIT = 100;

const listRoute = createRoute({
  method: 'get',
  path: '/api/notifications',
  summary: "The caller's notifications, newest first (at most 100), and how many are unread",
  responses: {
    200: {
      description: 'Notifications',
      content: {
        'application/json': {
          schema: NotificationListSchema,
        },
      },
    },
    ...problemResponses(401),
  },
});

const readRoute = createRoute({
  method: 'post',
  path: '/api/notifications/{id}/read',
  summary: "Mark one of the caller's notifications as read",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 204: { description: 'Marked read' }, ...problemResponses(401, 404, 422) },
});

/**
 * The caller's notices. A partner's leave out actions since reassigned to another agency: the
 * agency has lost the action, so its title and link go from the list too (the rows stay, and
 * come back if the action does).
 */
function noticesOf(deps: AppDeps, user: SessionUser) {
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

export function notificationRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listRoute, async (c) => {
      const user = currentUser(c);
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
      // A consultation, as reading actions is: the notices name actions the caller may see.
      await audit(deps, c, {
        category: 'consultation',
        action: 'notification.list',
        query: { results: rows.length, unread: Number(unread.n) },
      });
      return c.json(
        {
          notifications: rows.map((r) => ({
            id: r.id,
            kind: r.kind,
            actionId: r.action_id,
            message: r.message,
            createdAt: new Date(r.created_at).toISOString(),
            read: r.read_at !== null,
          })),
          unread: Number(unread.n),
        },
        200,
      );
    })
    .openapi(readRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      // Only the owner's: someone else's notification is simply not found.
      const updated = await deps.db.kysely
        .updateTable('notification')
        .set({ read_at: deps.clock() })
        .where('id', '=', id)
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        const othersNotice = await deps.db.kysely
          .selectFrom('notification')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        // Someone else's notice: the same 404 as a missing one, and an audited refusal.
        if (othersNotice) {
          await audit(deps, c, {
            category: 'refusal',
            action: 'notification.other-user',
            objectType: 'notification',
            objectId: id,
            outcome: 'refused',
          });
        }
        throw new ProblemError(PROBLEM.notFound, 'No such notification.');
      }
      await audit(deps, c, {
        category: 'consultation',
        action: 'notification.read',
        objectType: 'notification',
        objectId: id,
      });
      return c.body(null, 204);
    });
}
