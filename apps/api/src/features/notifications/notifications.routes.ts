import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { NotificationListSchema } from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { audit } from '../audit/index.ts';
import { markNotificationRead } from './notifications.commands.ts';
import { listNotifications } from './notifications.queries.ts';

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

export function notificationRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listRoute, async (c) => {
      const list = await listNotifications(deps, currentUser(c));
      // A consultation, as reading actions is: the notices name actions the caller may see.
      await audit(deps, c, {
        category: 'consultation',
        action: 'notification.list',
        query: { results: list.notifications.length, unread: list.unread },
      });
      return c.json(list, 200);
    })
    .openapi(readRoute, async (c) => {
      const { id } = c.req.valid('param');
      const outcome = await markNotificationRead(deps, currentUser(c), id);
      if (outcome !== 'read') {
        // Someone else's notice: the same 404 as a missing one, and an audited refusal.
        if (outcome === 'other-user') {
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
